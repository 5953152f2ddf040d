/// The part of an HTTP/1.x response a health probe judges: status and body,
/// parsed from the bytes read so far.
struct HTTPHealthResponse: Equatable {
    var status: Int
    var body: [UInt8]
    /// False while a `Content-Length` body is still arriving.
    var isComplete: Bool

    /// nil until the whole head (status line and headers) has arrived.
    init?(parsing bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator) else { return nil }
        let head = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusFields = lines.first?.split(separator: " ") ?? []
        guard statusFields.count >= 2, statusFields[0].hasPrefix("HTTP/"), let status = Int(statusFields[1]) else {
            return nil
        }
        self.status = status
        let body = Array(bytes[headEnd.upperBound...])
        self.body = body
        let declaredLength = lines.dropFirst().lazy.compactMap(Self.contentLength).first
        isComplete = declaredLength.map { body.count >= $0 } ?? false
    }

    var isSuccess: Bool { (200..<400).contains(status) }

    private static func contentLength(_ line: Substring) -> Int? {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
        return Int(parts[1].filter { $0 != " " && $0 != "\t" })
    }
}
