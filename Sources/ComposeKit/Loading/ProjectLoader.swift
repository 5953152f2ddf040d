import Foundation

/// The result of a successful load: the project, and the warnings worth showing
/// (unset variables, keys Slipway does not emulate, …).
public struct LoadedProject: Sendable {
    public var project: Project
    public var warnings: [ComposeDiagnostic]

    public init(project: Project, warnings: [ComposeDiagnostic]) {
        self.project = project
        self.warnings = warnings
    }
}

/// Loads a compose project as docker compose would: finds the files, reads the
/// environment, names the project, interpolates, merges, and validates — and
/// reports every problem of every file at once.
public struct ProjectLoader {
    public let options: LoadOptions

    public init(options: LoadOptions) {
        self.options = options
    }

    public func load() throws(ComposeError) -> LoadedProject {
        let log = DiagnosticLog()
        let contents = FileContents(workingDirectory: options.workingDirectory, standardInput: options.standardInput)
        let files: [String]
        do {
            files = try ComposeFileLocator(workingDirectory: options.workingDirectory, environment: options.environment).locate(options.files)
        } catch {
            throw ComposeError(diagnostics: [ComposeDiagnostic(.error, at: nil, path: "", error.message)])
        }
        for file in files where !contents.exists(file) {
            log.error("compose file \(file) does not exist", at: nil, path: "")
        }
        if log.hasErrors { throw ComposeError(diagnostics: log.entries) }

        let directory = projectDirectory(files)
        let session = LoadSession(log: log, contents: contents, projectDirectory: directory, interpolate: options.interpolate)
        let envFiles = options.envFiles.map { PathResolver.absolute($0, relativeTo: options.workingDirectory) }
        var variables = EnvironmentSources(session: session).variables(envFiles: envFiles, projectDirectory: directory, processEnvironment: options.environment)
        let name = ProjectNaming(session: session, options: options).name(files: files, variables: variables, directory: directory)
        if let name { variables["COMPOSE_PROJECT_NAME"] = name }

        let loader = ComposeFileLoader(session: session, variables: variables, baseDirectory: directory)
        var merged: YAMLNode?
        for file in files {
            guard let node = loader.load(file) else { continue }
            merged = merged.map { NodeMerger.merge($0, node) } ?? node
        }
        guard let root = merged.flatMap(NodeMerger.stripResets), let name, !log.hasErrors else {
            throw ComposeError(diagnostics: log.entries)
        }

        let assembler = ProjectAssembler(
            session: session,
            variables: variables,
            activeProfiles: activeProfiles(variables),
            requestedServices: Set(options.requestedServices)
        )
        let (project, decoded) = assembler.assemble(root, name: name, files: files)
        checkRequestedServices(project, log: log)
        ProjectValidator(log: log, requireCommands: options.requireCommands).validate(project, decoded: decoded)
        NotEmulatedReport(log: log).report(project, decoded: decoded)
        if log.hasErrors { throw ComposeError(diagnostics: log.entries) }
        return LoadedProject(project: project, warnings: log.warnings)
    }

    private func projectDirectory(_ files: [String]) -> String {
        if let explicit = options.projectDirectory {
            return PathResolver.absolute(explicit, relativeTo: options.workingDirectory)
        }
        guard let first = files.first, first != "-" else { return PathResolver.normalize(options.workingDirectory) }
        return PathResolver.directory(of: first)
    }

    /// `--profile` wins over `COMPOSE_PROFILES` (comma-separated), as in compose.
    private func activeProfiles(_ variables: [String: String]) -> Set<String> {
        if !options.profiles.isEmpty { return Set(options.profiles) }
        let list = variables["COMPOSE_PROFILES"] ?? ""
        return Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    private func checkRequestedServices(_ project: Project, log: DiagnosticLog) {
        for name in options.requestedServices where project.services[name] == nil {
            log.error("no such service: \(name)", at: nil, path: "")
        }
    }
}
