/// YAML 1.2 core-schema scalar resolution, the way go-yaml v3 (and so docker compose)
/// reads plain scalars: `yes`/`no`/`on`/`off` stay strings, `0755` and `0o17` are octal.
enum ScalarResolver {
    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    static func resolve(_ text: String) -> ComposeValue {
        if isNull(text) { return .null }
        if let flag = bool(text) { return .bool(flag) }
        if let number = int(text) { return .int(number) }
        if let number = double(text) { return .double(number) }
        return .string(text)
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    static func int(_ text: String) -> Int? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let magnitude: Int?
        if body.hasPrefix("0x") {
            magnitude = Int(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0o") {
            magnitude = Int(body.dropFirst(2), radix: 8)
        } else if body.count > 1, body.hasPrefix("0"), body.allSatisfy(\.isASCIIDigit) {
            magnitude = Int(body.dropFirst(), radix: 8)
        } else if body.allSatisfy(\.isASCIIDigit) {
            magnitude = Int(body)
        } else {
            magnitude = nil
        }
        return magnitude.map { negative ? -$0 : $0 }
    }

    static func double(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let allowed = Set("0123456789+-.eE")
        guard text.contains(where: \.isASCIIDigit), text.allSatisfy(allowed.contains) else { return nil }
        return Double(text)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
