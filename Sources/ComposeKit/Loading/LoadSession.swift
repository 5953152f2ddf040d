/// What every stage of one load shares: the diagnostics, the file reader, the
/// project directory, and the parsed files (a file that many services `extends`
/// is read once).
final class LoadSession {
    let log: DiagnosticLog
    let contents: FileContents
    /// The main project's directory; paths from files elsewhere are made absolute.
    let projectDirectory: String
    let interpolate: Bool
    private var documentCache: [String: [YAMLNode]?] = [:]

    init(log: DiagnosticLog, contents: FileContents, projectDirectory: String, interpolate: Bool) {
        self.log = log
        self.contents = contents
        self.projectDirectory = projectDirectory
        self.interpolate = interpolate
    }

    /// The YAML documents of a file, before interpolation; nil (and an error logged) when unreadable.
    func documents(_ path: String) -> [YAMLNode]? {
        if let cached = documentCache[path] { return cached }
        let documents = readDocuments(path)
        documentCache[path] = documents
        return documents
    }

    private func readDocuments(_ path: String) -> [YAMLNode]? {
        let name = contents.displayName(path)
        guard let file = contents.readComposeFile(path) else {
            log.error("cannot read compose file \(path): no such file or not readable", at: nil, path: "")
            return nil
        }
        do {
            switch file {
            case .text(let text): return try YAMLReader(file: name).read(text)
            case .bytes(let bytes): return try YAMLReader(file: name).read(bytes: bytes)
            }
        } catch {
            log.error(error.message, at: error.position, path: error.path)
            return nil
        }
    }
}
