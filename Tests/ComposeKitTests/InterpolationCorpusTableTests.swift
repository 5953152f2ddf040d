import Foundation
import Testing

/// The TSV tables of ../shared/compose-corpus/compose-go, read as its README describes,
/// and the lists of rows Slipway deliberately treats otherwise (docs/*-exceptions.md).
struct ComposeGoCorpus {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot
        .appendingPathComponent("../shared/compose-corpus/compose-go").standardizedFileURL
    static let isPresent = FileManager.default.fileExists(atPath: directory.path)
    static let absenceNote: Comment = "../shared/compose-corpus is absent: corpus rows not checked"

    struct Row {
        var cells: [String: String]

        subscript(column: String) -> String { cells[column] ?? "" }

        var id: Int { Int(self["id"]) ?? -1 }
    }

    static func rows(of table: String) throws -> [Row] {
        let text = try String(contentsOf: directory.appendingPathComponent(table), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.filter { !$0.isEmpty }.map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(cells: Dictionary(uniqueKeysWithValues: zip(header, cells)))
        }
    }

    /// Undoes the table escaping: `\\`, `\t`, `\n`, `\r` and `\xNN`.
    static func unescape(_ field: String) -> String {
        var result = ""
        var characters = field.unicodeScalars[...]
        while let scalar = characters.popFirst() {
            guard scalar == "\\", let next = characters.popFirst() else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch next {
            case "n": result += "\n"
            case "t": result += "\t"
            case "r": result += "\r"
            case "x":
                let hex = String(String.UnicodeScalarView(characters.prefix(2)))
                characters = characters.dropFirst(2)
                result.unicodeScalars.append(Unicode.Scalar(UInt8(hex, radix: 16) ?? 0))
            default: result.unicodeScalars.append(next)
            }
        }
        return result
    }

    /// An expected value column: `<EMPTY>` is "", and the rest is escaped text.
    static func expectedValue(_ field: String) -> String {
        field == "<EMPTY>" ? "" : unescape(field)
    }

    /// The variables set by an `env_json` column; nil when the column is empty.
    static func environment(_ json: String) throws -> [String: String]? {
        guard !json.isEmpty else { return nil }
        return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }

    /// The row ids listed in a `| id | reason |` table of an exceptions document.
    static func exceptions(in document: String) throws -> [Int: String] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(document), encoding: .utf8)
        var listed: [Int: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count >= 2, let id = Int(cells[0]) { listed[id] = cells[1] }
        }
        return listed
    }
}

@Suite struct InterpolationCorpusTableTests {
    @Test func unescapesTheTableEscapes() {
        #expect(ComposeGoCorpus.unescape(#"a\\b\tc\nd\x07e\rf"#) == "a\\b\tc\nd\u{07}e\rf")
        #expect(ComposeGoCorpus.expectedValue("<EMPTY>") == "")
    }
}
