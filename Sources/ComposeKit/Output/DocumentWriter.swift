import Foundation
import Yams

/// Writes a rendered document as YAML or JSON, keeping key order.
public enum DocumentWriter {
    public static func yaml(_ value: ComposeValue) -> String {
        // Serializing a tree of plain scalars cannot fail: every node is a valid YAML node.
        (try? Yams.serialize(node: node(value), width: -1, allowUnicode: true)) ?? ""
    }

    public static func json(_ value: ComposeValue) -> String {
        var output = ""
        writeJSON(value, indent: "", into: &output)
        return output + "\n"
    }

    private static func node(_ value: ComposeValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case let .bool(flag): return Node(flag ? "true" : "false", Tag(.bool))
        case let .int(number): return Node(String(number), Tag(.int))
        case let .double(number): return Node(String(number), Tag(.float))
        case let .string(text): return Node(text, Tag(.str), needsQuotes(text) ? .doubleQuoted : .any)
        case let .array(items): return Node(items.map(node))
        case let .mapping(pairs): return Node(pairs.map { (Node($0.key, Tag(.str)), node($0.value)) })
        }
    }

    /// Strings a YAML reader would take for another type (`8080`, `true`, `null`, and
    /// YAML 1.1's `yes`/`no`/`on`/`off`) are quoted so they stay strings.
    private static func needsQuotes(_ text: String) -> Bool {
        if case .string = ScalarResolver.resolve(text) {
            return ["y", "n", "yes", "no", "on", "off"].contains(text.lowercased())
        }
        return true
    }

    private static func writeJSON(_ value: ComposeValue, indent: String, into output: inout String) {
        let inner = indent + "  "
        switch value {
        case .null: output += "null"
        case let .bool(flag): output += flag ? "true" : "false"
        case let .int(number): output += String(number)
        case let .double(number): output += number.isFinite ? String(number) : "null"
        case let .string(text): output += quoted(text)
        case let .array(items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                writeJSON(item, indent: inner, into: &output)
                output += index < items.count - 1 ? ",\n" : "\n"
            }
            output += indent + "]"
        case let .mapping(pairs):
            guard !pairs.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, pair) in pairs.enumerated() {
                output += inner + quoted(pair.key) + ": "
                writeJSON(pair.value, indent: inner, into: &output)
                output += index < pairs.count - 1 ? ",\n" : "\n"
            }
            output += indent + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
