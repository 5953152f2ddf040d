/// One line a service wrote, as stored: `<RFC 3339 UTC timestamp> <out|err> <text>`.
public struct LogRecord: Sendable, Equatable, Codable {
    public var timestamp: LogTimestamp
    public var stream: LogStream
    public var text: String

    public init(timestamp: LogTimestamp, stream: LogStream, text: String) {
        self.timestamp = timestamp
        self.stream = stream
        self.text = text
    }

    /// The line as stored, newline included.
    public var storedLine: String {
        "\(timestamp) \(stream.rawValue) \(text)\n"
    }

    /// Parses a stored line (without its newline); nil for anything the writer
    /// did not produce.
    public init?(storedLine bytes: ArraySlice<UInt8>) {
        guard let space = bytes.firstIndex(of: 0x20),
            let timestamp = RFC3339Parser.parse(String(decoding: bytes[..<space], as: UTF8.self)),
            bytes.endIndex - space >= 5, bytes[space + 4] == 0x20,
            let stream = LogStream(rawValue: String(decoding: bytes[(space + 1)...(space + 3)], as: UTF8.self))
        else { return nil }
        self.init(timestamp: timestamp, stream: stream, text: String(decoding: bytes[(space + 5)...], as: UTF8.self))
    }
}

extension LogTimestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let timestamp = RFC3339Parser.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 timestamp: \(text)"))
        }
        self = timestamp
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
