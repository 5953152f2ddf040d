import Glibc

/// One message with descriptors attached (`SCM_RIGHTS`) over a Unix socket:
/// how the namespace holder hands the supervisor the listening sockets it
/// made inside its network namespace.
///
/// The control message is laid out by hand (`CMSG_*` are C macros Swift does
/// not import): a `cmsghdr` is a `size_t` length then two `int`s, padded to
/// the alignment of `size_t`, and the descriptors follow it.
package enum DescriptorPassing {
    /// `SCM_RIGHTS` from <bits/socket.h>.
    private static let rights: CInt = 1
    /// `MSG_CMSG_CLOEXEC` from <bits/socket.h>: received descriptors are close-on-exec at once.
    private static let closeOnExec: CInt = 0x4000_0000
    private static let headerSize = align(MemoryLayout<Int>.size + 2 * MemoryLayout<CInt>.size)
    /// The most descriptors one message may carry (the kernel's `SCM_MAX_FD`).
    package static let maximumDescriptors = 253

    private static func align(_ size: Int) -> Int {
        let unit = MemoryLayout<Int>.size
        return (size + unit - 1) / unit * unit
    }

    /// Sends `text` (not empty) with `descriptors` attached; true when all of it went.
    package static func send(_ socket: CInt, text: String, descriptors: [CInt]) -> Bool {
        var data = Array(text.utf8)
        let payload = descriptors.count * MemoryLayout<CInt>.size
        var control = [UInt8](repeating: 0, count: descriptors.isEmpty ? 0 : headerSize + align(payload))
        if !descriptors.isEmpty {
            control.withUnsafeMutableBytes { bytes in
                bytes.storeBytes(of: headerSize + payload, toByteOffset: 0, as: Int.self)
                bytes.storeBytes(of: SOL_SOCKET, toByteOffset: MemoryLayout<Int>.size, as: CInt.self)
                bytes.storeBytes(of: rights, toByteOffset: MemoryLayout<Int>.size + MemoryLayout<CInt>.size, as: CInt.self)
                for (index, descriptor) in descriptors.enumerated() {
                    bytes.storeBytes(of: descriptor, toByteOffset: headerSize + index * MemoryLayout<CInt>.size, as: CInt.self)
                }
            }
        }
        let count = data.count
        let sent = withMessage(data: &data, control: &control) { message in sendmsg(socket, &message, Int32(MSG_NOSIGNAL)) }
        return sent == count
    }

    /// A message of one data part and a control part (none when `control` is empty), both
    /// pointing into the arrays for the length of `body`.
    private static func withMessage(
        data: inout [UInt8], control: inout [UInt8], _ body: (inout msghdr) -> Int
    ) -> Int {
        data.withUnsafeMutableBytes { dataBytes in
            control.withUnsafeMutableBytes { controlBytes in
                var vector = iovec(iov_base: dataBytes.baseAddress, iov_len: dataBytes.count)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    if !controlBytes.isEmpty {
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                    }
                    return body(&message)
                }
            }
        }
    }

    /// Receives one message: its text and the descriptors attached (close-on-exec),
    /// or nil when the socket ended, failed, or the message was cut short (any
    /// descriptor that did arrive is closed then).
    package static func receive(_ socket: CInt) -> (text: String, descriptors: [CInt])? {
        var data = [UInt8](repeating: 0, count: 16384)
        var control = [UInt8](repeating: 0, count: headerSize + align(maximumDescriptors * MemoryLayout<CInt>.size))
        var flags: CInt = 0
        var controlLength = 0
        let count = withMessage(data: &data, control: &control) { message in
            var received = recvmsg(socket, &message, closeOnExec)
            while received < 0, errno == EINTR { received = recvmsg(socket, &message, closeOnExec) }
            flags = message.msg_flags
            controlLength = received >= 0 ? message.msg_controllen : 0
            return received
        }
        let descriptors = Self.descriptors(in: Array(control.prefix(controlLength)))
        guard count > 0, flags & (Int32(MSG_CTRUNC) | Int32(MSG_TRUNC)) == 0 else {
            descriptors.forEach { close($0) }
            return nil
        }
        return (String(decoding: data.prefix(count), as: UTF8.self), descriptors)
    }

    /// The descriptors of every `SCM_RIGHTS` header in a received control buffer.
    private static func descriptors(in control: [UInt8]) -> [CInt] {
        var found: [CInt] = []
        var offset = 0
        control.withUnsafeBytes { bytes in
            while offset + headerSize <= bytes.count {
                let length = bytes.loadUnaligned(fromByteOffset: offset, as: Int.self)
                let level = bytes.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: CInt.self)
                let type = bytes.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + MemoryLayout<CInt>.size, as: CInt.self)
                guard length >= headerSize, offset + length <= bytes.count else { return }
                if level == SOL_SOCKET, type == rights {
                    let count = (length - headerSize) / MemoryLayout<CInt>.size
                    for index in 0..<count {
                        found.append(bytes.loadUnaligned(fromByteOffset: offset + headerSize + index * MemoryLayout<CInt>.size, as: CInt.self))
                    }
                }
                offset += align(length)
            }
        }
        return found
    }
}
