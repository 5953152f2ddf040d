/// Compose files are UTF-8: compose-go's YAML reader refuses any other byte sequence, so a
/// file is decoded strictly rather than with replacement characters.
enum UTF8Text {
    /// The text, or the line and column (1-based, in characters) of the first invalid byte.
    static func decode(_ bytes: [UInt8]) -> Result<String, InvalidUTF8> {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .error:
                return .failure(InvalidUTF8(line: line, column: column, byte: bytes[offset]))
            case .emptyInput:
                return .success(String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    struct InvalidUTF8: Error, Equatable {
        var line: Int
        var column: Int
        var byte: UInt8

        var message: String {
            "invalid UTF-8: byte 0x" + String(byte, radix: 16, uppercase: true) + " is not part of a valid character"
        }
    }
}
