import Foundation

/// The JSON of the control protocol: one object per line, dates as RFC 3339
/// UTC with nanoseconds like the log files.
enum ControlCoding {
    static func line(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(LogTimestamp(date).description)
        }
        return Array(try encoder.encode(value)) + [0x0A]
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let timestamp = RFC3339Parser.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 timestamp: \(text)"))
            }
            return timestamp.date
        }
        return try decoder.decode(type, from: Data(bytes))
    }
}
