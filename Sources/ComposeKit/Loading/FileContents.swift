import Foundation

/// Reads compose files (and stdin once), naming each the way diagnostics show it:
/// relative to the working directory when it is inside it.
final class FileContents {
    private let workingDirectory: String
    private let standardInput: @Sendable () -> String
    private var stdinText: String?

    init(workingDirectory: String, standardInput: @escaping @Sendable () -> String) {
        self.workingDirectory = PathResolver.normalize(workingDirectory)
        self.standardInput = standardInput
    }

    func displayName(_ path: String) -> String {
        if path == "-" { return "<stdin>" }
        let prefix = workingDirectory == "/" ? "/" : workingDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    func read(_ path: String) -> String? {
        if path == "-" {
            if stdinText == nil { stdinText = standardInput() }
            return stdinText
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A compose file's bytes, undecoded: its reader checks they are UTF-8. Standard input
    /// arrives decoded.
    func readComposeFile(_ path: String) -> FileText? {
        if path == "-" { return read(path).map(FileText.text) }
        return FileManager.default.contents(atPath: path).map { .bytes([UInt8]($0)) }
    }

    enum FileText {
        case text(String)
        case bytes([UInt8])
    }

    func exists(_ path: String) -> Bool {
        path == "-" || FileManager.default.fileExists(atPath: path)
    }
}
