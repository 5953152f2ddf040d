/// The variables interpolation sees, in compose's precedence: the process
/// environment first, then `--env-file`s (or `.env` in the project directory).
struct EnvironmentSources {
    let session: LoadSession

    /// `explicit` files must exist; the implicit `.env` is read only when present.
    func variables(envFiles: [String], projectDirectory: String, processEnvironment: [String: String]) -> [String: String] {
        let implicit = PathResolver.absolute(".env", relativeTo: projectDirectory)
        let files = envFiles.isEmpty ? [implicit].filter(session.contents.exists) : envFiles
        var fromFiles: [String: String] = [:]
        for file in files {
            guard let text = session.contents.read(file) else {
                session.log.error("env file \(file) not found", at: nil, path: "")
                continue
            }
            for (key, value) in parse(text, file: file, known: fromFiles, processEnvironment: processEnvironment) {
                fromFiles[key] = value
            }
        }
        return fromFiles.merging(processEnvironment) { _, process in process }
    }

    /// The `KEY=value` pairs of one file; a bare `KEY` takes its value from the environment.
    func parse(_ text: String, file: String, known: [String: String], processEnvironment: [String: String]) -> [(String, String)] {
        do {
            let pairs = try DotEnvParser.parse(text, lookup: { processEnvironment[$0] }, fallback: { known[$0] })
            return pairs.compactMap { pair in
                (pair.value ?? processEnvironment[pair.key] ?? known[pair.key]).map { (pair.key, $0) }
            }
        } catch {
            let position = SourcePosition(file: session.contents.displayName(file), line: error.line, column: 1)
            session.log.error("invalid env file: \(error)", at: position, path: "")
            return []
        }
    }
}
