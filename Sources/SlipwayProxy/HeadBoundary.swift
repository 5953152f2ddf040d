import NIOCore

/// Finds where an HTTP/1.x head ends in a byte stream.
enum HeadBoundary {
    /// The length of the head including its final CRLF CRLF, if the buffer holds all of it.
    static func end(in buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            var index = start
            while index + 3 < bytes.count {
                if bytes[index + 3] != UInt8(ascii: "\n") {
                    index += bytes[index + 3] == UInt8(ascii: "\r") ? 1 : 4
                    continue
                }
                if bytes[index] == UInt8(ascii: "\r") && bytes[index + 1] == UInt8(ascii: "\n")
                    && bytes[index + 2] == UInt8(ascii: "\r")
                {
                    return index + 4
                }
                index += 1
            }
            return nil
        }
    }

    /// Whether a LF at or after `start` follows anything but a CR.
    static func hasBareLineFeed(in buffer: ByteBuffer, from start: Int) -> Bool {
        buffer.withUnsafeReadableBytes { bytes -> Bool in
            var from = start
            while let index = HeaderBytes.index(of: UInt8(ascii: "\n"), in: bytes, from: from) {
                if index == 0 || bytes[index - 1] != UInt8(ascii: "\r") { return true }
                from = index + 1
            }
            return false
        }
    }
}
