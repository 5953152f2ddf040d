/// The project name in compose's precedence: `-p`, `COMPOSE_PROJECT_NAME`, the
/// last top-level `name:` of the files (interpolated, then normalized), else the
/// project directory's name normalized. Imperative names (`-p`,
/// `COMPOSE_PROJECT_NAME`) must already be valid.
struct ProjectNaming {
    let session: LoadSession
    let options: LoadOptions

    func name(files: [String], variables: [String: String], directory: String) -> String? {
        if let explicit = options.projectName {
            return checked(explicit, source: "-p")
        }
        if let fromEnvironment = variables["COMPOSE_PROJECT_NAME"], !fromEnvironment.isEmpty {
            return checked(fromEnvironment, source: "COMPOSE_PROJECT_NAME")
        }
        // As compose-go's projectName(): a file's name is normalized, not refused; one that
        // normalizes to nothing leaves the directory's name.
        if let fromFile = nameFromFiles(files, variables: variables).map(ProjectNameRules.normalize), !fromFile.isEmpty {
            return fromFile
        }
        let derived = ProjectNameRules.normalize(directory == "/" ? "" : (directory as String).split(separator: "/").last.map(String.init) ?? "")
        guard !derived.isEmpty else {
            session.log.error("project name must not be empty: the project directory \(directory) gives none; name the project with -p or a top-level name", at: nil, path: "")
            return nil
        }
        return derived
    }

    private func checked(_ name: String, source: String) -> String? {
        guard ProjectNameRules.isValid(name) else {
            session.log.error("\(ProjectNameRules.invalidMessage(name)) (from \(source))", at: nil, path: "")
            return nil
        }
        return name
    }

    private func nameFromFiles(_ files: [String], variables: [String: String]) -> String? {
        var found: YAMLNode?
        for file in files {
            for document in session.documents(file) ?? [] {
                if let node = document["name"] { found = node }
            }
        }
        guard let found else { return nil }
        let interpolated = session.interpolate ? NodeInterpolator(variables: variables, log: DiagnosticLog()).interpolate(found) : found
        if interpolated.isNull { return nil }
        guard let text = interpolated.scalarText, case .string = interpolated.resolved else {
            session.log.error("name must be a string, got \(ValueReader(log: session.log).describe(interpolated))", at: found.position, path: "name")
            return nil
        }
        return text
    }
}
