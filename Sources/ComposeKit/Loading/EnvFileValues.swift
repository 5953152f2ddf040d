/// Reads a service's `env_file`s into its environment as compose does: files in
/// order, later files win, and `environment` wins over every file.
struct EnvFileValues {
    let session: LoadSession
    let variables: [String: String]

    func environment(for service: Service, node: YAMLNode) -> [String: String?] {
        guard !service.envFiles.isEmpty else { return service.environment }
        var merged: [String: String?] = [:]
        let sources = EnvironmentSources(session: session)
        for reference in service.envFiles {
            guard let text = session.contents.read(reference.path) else {
                if reference.required {
                    let position = node["env_file"]?.position ?? node.position
                    session.log.error("env file \(reference.path) not found; mark it `required: false` if it is optional", at: position, path: "services.\(service.name).env_file")
                }
                continue
            }
            let pairs = reference.raw ? rawPairs(text) : sources.parse(
                text, file: reference.path, known: merged.compactMapValues { $0 }, processEnvironment: variables)
            for (key, value) in pairs {
                merged[key] = .some(value)
            }
        }
        for (key, value) in service.environment {
            merged[key] = value
        }
        return merged
    }

    /// `format: raw`: `KEY=VALUE` per line, the value exactly as written; blank lines and `#` lines skipped.
    private func rawPairs(_ text: String) -> [(String, String)] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }
}
