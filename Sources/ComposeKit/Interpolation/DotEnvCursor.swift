/// Reads the statements of a `.env` text byte by byte, the way compose-go's
/// `dotenv` parser does, keeping count of lines for error messages.
struct DotEnvCursor {
    enum RawValue {
        case unquoted(ArraySlice<UInt8>)
        case singleQuoted(ArraySlice<UInt8>)
        case doubleQuoted(ArraySlice<UInt8>)
    }

    private let bytes: [UInt8]
    private var index: Int
    /// The line the cursor is on, from 1.
    private(set) var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
        // Editors on Windows tend to start files with a byte order mark.
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// Moves past blank space and comment lines to the next statement; false at the end.
    mutating func nextStatement() -> Bool {
        while true {
            while index < bytes.count, let length = whitespaceLength(at: index) {
                if bytes[index] == Template.newline { line += 1 }
                index += length
            }
            guard index < bytes.count else { return false }
            guard bytes[index] == UInt8(ascii: "#") else { return true }
            guard let newline = bytes[index...].firstIndex(of: Template.newline) else { return false }
            index = newline
        }
    }

    /// Reads `[export ]KEY` and its separator: `=`, `:` or the end of the line for a bare key.
    mutating func readKey() throws(DotEnvError) -> (key: String, isBare: Bool) {
        let statementLine = line
        skipExportPrefix()
        skipSpace()
        let start = index
        var separator = start
        while separator < bytes.count, !isSeparator(bytes[separator]) {
            let byte = bytes[separator]
            guard Self.isKeyByte(byte) else {
                throw DotEnvError(line: statementLine, problem: .unexpectedCharacterInKey(character(at: separator)))
            }
            separator += 1
        }
        guard separator > start || separator < bytes.count else {
            throw DotEnvError(line: statementLine, problem: .missingKey)
        }
        let key = trimmingTrailingWhitespace(bytes[start..<separator])
        if key.contains(" ") {
            throw DotEnvError(line: statementLine, problem: .keyContainsSpace(key))
        }
        // compose-go reads a bare key on the last line, with no newline after it, as
        // the value of an empty key; Slipway reads it as the bare key it is.
        let isBare = separator == bytes.count || bytes[separator] == Template.newline
        if separator < bytes.count, bytes[separator] == Template.newline { line += 1 }
        index = min(separator + 1, bytes.count)
        return (key, isBare)
    }

    /// Reads the value after a key's separator, up to the end of its line or its closing quote.
    mutating func readValue() throws(DotEnvError) -> RawValue {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            return .unquoted(readUnquoted())
        }
        let quote = bytes[index]
        let content = try readQuoted(quote)
        return quote == UInt8(ascii: "'") ? .singleQuoted(content) : .doubleQuoted(content)
    }

    private mutating func readUnquoted() -> ArraySlice<UInt8> {
        let end = bytes[index...].firstIndex(of: Template.newline) ?? bytes.count
        var value = bytes[index..<end]
        index = min(end + 1, bytes.count)
        if end < bytes.count { line += 1 }
        // Only " #" starts an inline comment, so `KEY=a#b` keeps its `#`.
        if let comment = value.indices.first(where: { value[$0] == 0x20 && $0 + 1 < end && bytes[$0 + 1] == 0x23 }) {
            value = value[..<comment]
        }
        return Array(trimmingTrailingWhitespace(value).utf8)[...]
    }

    /// A backslash escapes the byte after it, so neither `\"` nor `\'` ends the value.
    private mutating func readQuoted(_ quote: UInt8) throws(DotEnvError) -> ArraySlice<UInt8> {
        let openingLine = line
        var position = index + 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Template.newline { line += 1 }
            if byte == UInt8(ascii: "\\"), position + 1 < bytes.count {
                if bytes[position + 1] == Template.newline { line += 1 }
                position += 2
                continue
            }
            if byte == quote {
                defer { index = position + 1 }
                return bytes[(index + 1)..<position]
            }
            position += 1
        }
        let lineEnd = bytes[index...].firstIndex(of: Template.newline) ?? bytes.count
        let shown = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
        throw DotEnvError(line: openingLine, problem: .unterminatedQuotedValue(shown))
    }

    /// `export` followed by white space, which may run over lines as in compose-go.
    private mutating func skipExportPrefix() {
        let export = Array("export".utf8)
        let after = index + export.count
        guard bytes[index...].starts(with: export), after < bytes.count, Self.isExportSpace(bytes[after]) else { return }
        index = after
        while index < bytes.count, Self.isExportSpace(bytes[index]) {
            if bytes[index] == Template.newline { line += 1 }
            index += 1
        }
    }

    private mutating func skipSpace() {
        while index < bytes.count, let length = spaceLength(at: index) {
            index += length
        }
    }

    private func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == Template.colon || byte == Template.newline
    }

    /// White space as Go's `unicode.IsSpace` sees it; the length of the character if so.
    private func whitespaceLength(at position: Int) -> Int? {
        let (scalar, length) = decode(at: position)
        return scalar.properties.isWhitespace ? length : nil
    }

    /// compose-go's `isSpace`: white space that does not end a line.
    private func spaceLength(at position: Int) -> Int? {
        let (scalar, length) = decode(at: position)
        switch scalar {
        case "\t", "\u{0B}", "\u{0C}", "\r", " ", "\u{85}", "\u{A0}": return length
        default: return nil
        }
    }

    private func decode(at position: Int) -> (Unicode.Scalar, length: Int) {
        let lead = bytes[position]
        let length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        let end = min(position + length, bytes.count)
        let scalar = String(decoding: bytes[position..<end], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        return (scalar, end - position)
    }

    private func character(at position: Int) -> String {
        String(Character(decode(at: position).0))
    }

    private func trimmingTrailingWhitespace(_ slice: ArraySlice<UInt8>) -> String {
        var scalars = String(decoding: slice, as: UTF8.self).unicodeScalars[...]
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Go's regexp `\s`.
    private static func isExportSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    /// compose-go checks a key byte by byte, reading each byte as a Latin-1 character:
    /// spaces, letters, digits and `_ . - [ ]` pass.
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0: true
        case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "]"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        case 0xAA, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC...0xBE, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF: true
        default: false
        }
    }
}
