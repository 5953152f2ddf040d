import Foundation

/// A file of the repository as a docs/ page shows it: the page names the
/// file on a line of its own (`` `docs/examples/compose.yaml`: ``) and
/// prints it in the fenced block right after, which must match the file.
public enum DocumentedFile {
    /// The checkout this test support was built from.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The file's text, read from the repository.
    public static func contents(_ path: String) throws -> String {
        try String(contentsOfFile: repository + "/" + path, encoding: .utf8)
    }

    /// The text of the `language` block that follows the line naming `path` on `page`.
    public static func shown(_ path: String, language: String, on page: String) throws -> String? {
        let text = try contents(page)
        guard let open = text.range(of: "`\(path)`:\n\n```\(language)\n"),
              let close = text.range(of: "\n```\n", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }
}
