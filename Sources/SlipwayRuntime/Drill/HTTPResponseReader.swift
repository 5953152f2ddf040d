import Glibc

/// Reads HTTP/1.1 responses off one blocking connection: bodies framed by
/// `Content-Length`, by chunked encoding, or by the end of the connection.
struct HTTPResponseReader {
    struct Response {
        var status: Int
        /// The server will close the connection after this response.
        var closes: Bool
    }

    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next response, nil when the connection ended, broke or timed out first.
    mutating func next() -> Response? {
        guard let headEnd = read(until: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = lines.first.flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        var length: Int?
        var chunked = false
        var closes = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding", value.contains("chunked") { chunked = true }
            if name == "connection", value == "close" { closes = true }
        }
        // 1xx, 204 and 304 carry no body.
        if (100..<200).contains(status) { return next() }
        if status == 204 || status == 304 { return Response(status: status, closes: closes) }
        if chunked { return skipChunks() ? Response(status: status, closes: closes) : nil }
        if let length { return skip(length) ? Response(status: status, closes: closes) : nil }
        while fill() {}
        buffer.removeAll()
        return Response(status: status, closes: true)
    }

    private mutating func skipChunks() -> Bool {
        while true {
            guard let lineEnd = read(until: Array("\r\n".utf8)) else { return false }
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
            if size == 0 {
                // Trailers, then the empty line.
                while true {
                    guard let end = read(until: Array("\r\n".utf8)) else { return false }
                    buffer.removeFirst(end + 2)
                    if end == 0 { return true }
                }
            }
            guard skip(size + 2) else { return false }
        }
    }

    private mutating func skip(_ count: Int) -> Bool {
        while buffer.count < count {
            guard fill() else { return false }
        }
        buffer.removeFirst(count)
        return true
    }

    /// The index where `separator` begins, reading more until it arrives.
    private mutating func read(until separator: [UInt8]) -> Int? {
        var searched = 0
        while true {
            if buffer.count >= separator.count {
                for index in searched...(buffer.count - separator.count)
                where buffer[index..<(index + separator.count)].elementsEqual(separator) {
                    return index
                }
                searched = buffer.count - separator.count + 1
            }
            guard fill() else { return nil }
        }
    }

    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }
}
