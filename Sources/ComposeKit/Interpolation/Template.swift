/// The bytes of compose's template syntax, and the scans that compose-go's
/// regular expression performs over them.
enum Template {
    static let dollar = UInt8(ascii: "$")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":")
    static let newline = UInt8(ascii: "\n")

    static func isNameStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isNameContinuation(_ byte: UInt8) -> Bool {
        isNameStart(byte) || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The index after the name that starts at `start`.
    static func nameEnd(_ text: ArraySlice<UInt8>, from start: Int) -> Int {
        text[start...].firstIndex { !isNameContinuation($0) } ?? text.endIndex
    }

    static func lineEnd(_ text: ArraySlice<UInt8>, from start: Int) -> Int {
        text[start...].firstIndex(of: newline) ?? text.endIndex
    }

    /// Where `${NAME<operator>argument}` ends. compose-go's pattern lets the argument
    /// run to the last `}` of the line, then cuts the reference at the brace that
    /// balances its `${`; that is how `${A:-{"json":1}}` keeps its inner braces.
    static func closingBrace(_ text: ArraySlice<UInt8>, reference dollar: Int, argument start: Int) -> Int? {
        let end = lineEnd(text, from: start)
        guard let last = text[start..<end].lastIndex(of: closeBrace) else { return nil }
        return balancingBrace(text, from: dollar, through: last) ?? last
    }

    /// Where `${NAME[key]…}` ends, if the text has that form. compose-go reserves it for
    /// named mappings, which it leaves as written when none are configured.
    static func namedMappingEnd(_ text: ArraySlice<UInt8>, reference dollar: Int, bracket: Int) -> Int? {
        let end = lineEnd(text, from: bracket)
        guard let last = text[bracket..<end].lastIndex(of: closeBrace),
              text[(bracket + 1)..<end].indices.contains(where: { closesMapping(text, bracket: $0, lineEnd: end) })
        else { return nil }
        return balancingBrace(text, from: dollar, through: last) ?? last
    }

    /// Whether a `]` at `index` is followed by `}`, or by an operator and later a `}`.
    private static func closesMapping(_ text: ArraySlice<UInt8>, bracket index: Int, lineEnd end: Int) -> Bool {
        guard text[index] == closeBracket, index + 1 < end else { return false }
        var operatorAt = index + 1
        if text[operatorAt] == closeBrace { return true }
        if text[operatorAt] == colon { operatorAt += 1 }
        guard operatorAt < end, "-+?}".utf8.contains(text[operatorAt]) else { return false }
        return text[(operatorAt + 1)..<end].contains(closeBrace)
    }

    /// compose-go counts every `{` and skips the byte after it; the quirk is kept so
    /// that references cut where docker compose cuts them.
    private static func balancingBrace(_ text: ArraySlice<UInt8>, from start: Int, through last: Int) -> Int? {
        var open = 0
        var index = start
        while index <= last {
            if text[index] == closeBrace {
                open -= 1
                if open == 0 { return index }
            }
            if text[index] == openBrace {
                open += 1
                index += 1
            }
            index += 1
        }
        return nil
    }
}
