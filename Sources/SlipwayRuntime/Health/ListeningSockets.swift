import Glibc

/// A TCP socket in the LISTEN state: its local port and its inode, which
/// `/proc/PID/fd` names as `socket:[INODE]`.
public struct ListeningSocket: Sendable, Hashable {
    public var port: Int
    public var inode: UInt64

    public init(port: Int, inode: UInt64) {
        self.port = port
        self.inode = inode
    }
}

/// Lists this network namespace's listening TCP sockets (IPv4 and IPv6) with
/// one `NETLINK_SOCK_DIAG` dump per address family, the kernel filtering by
/// state, so the cost follows the listening sockets only — unlike
/// `/proc/net/tcp`, which formats every socket, established and TIME_WAIT
/// included (docs/benchmarks.md#listen-detection compares the two).
///
/// Not thread-safe: one owner at a time (the listen watch's thread).
public final class ListeningSockets {
    private static let netlinkSockDiag: CInt = 4
    private static let sockDiagByFamily: UInt16 = 20
    private static let requestFlags: UInt16 = 0x301 // NLM_F_REQUEST | NLM_F_DUMP
    private static let doneType: UInt16 = 3
    private static let errorType: UInt16 = 2
    private static let listenStateMask: UInt32 = 1 << 10
    private static let headerSize = 16
    /// Offset of the port and the inode in `struct inet_diag_msg`.
    private static let portOffset = 4
    private static let inodeOffset = 68
    private static let messageSize = 72

    private let descriptor: CInt
    private var buffer = [UInt8](repeating: 0, count: 32 * 1024)
    private var sequence: UInt32 = 0

    /// Nil when the kernel offers no socket diagnostics (a restricted sandbox).
    public init?() {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.netlinkSockDiag)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Every listening TCP socket, or nil when a query failed.
    public func query() -> [ListeningSocket]? {
        var sockets: [ListeningSocket] = []
        for family in [AF_INET, AF_INET6] {
            guard send(family: UInt8(family)), receive(into: &sockets) else { return nil }
        }
        return sockets
    }

    private func send(family: UInt8) -> Bool {
        sequence &+= 1
        var request = [UInt8](repeating: 0, count: Self.headerSize + 56)
        Self.store(UInt32(request.count), at: 0, in: &request)
        Self.store(Self.sockDiagByFamily, at: 4, in: &request)
        Self.store(Self.requestFlags, at: 6, in: &request)
        Self.store(sequence, at: 8, in: &request)
        request[16] = family
        request[17] = UInt8(IPPROTO_TCP)
        Self.store(Self.listenStateMask, at: 20, in: &request)
        while true {
            let sent = request.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            if sent == request.count { return true }
            if sent < 0, errno == EINTR { continue }
            return false
        }
    }

    /// Reads the dump's datagrams until its DONE message.
    private func receive(into sockets: inout [ListeningSocket]) -> Bool {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            var offset = 0
            while offset + Self.headerSize <= count {
                let length = Int(load(UInt32.self, at: offset))
                let type = load(UInt16.self, at: offset + 4)
                guard length >= Self.headerSize, offset + length <= count else { return false }
                if type == Self.doneType { return true }
                if type == Self.errorType { return false }
                if length >= Self.headerSize + Self.messageSize {
                    let body = offset + Self.headerSize
                    let port = Int(buffer[body + Self.portOffset]) << 8 | Int(buffer[body + Self.portOffset + 1])
                    sockets.append(ListeningSocket(port: port, inode: UInt64(load(UInt32.self, at: body + Self.inodeOffset))))
                }
                offset += (length + 3) & ~3
            }
        }
    }

    private func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    private static func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }
}
