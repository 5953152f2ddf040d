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
        let files = try locateFiles(log: log, contents: contents)
        let session = LoadSession(log: log, contents: contents, projectDirectory: projectDirectory(files), interpolate: options.interpolate)
        var variables = EnvironmentSources(session: session).variables(
            envFiles: options.envFiles.map { PathResolver.absolute($0, relativeTo: options.workingDirectory) },
            projectDirectory: session.projectDirectory,
            processEnvironment: options.environment
        )
        let name = ProjectNaming(session: session, options: options).name(files: files, variables: variables, directory: session.projectDirectory)
        if let name { variables["COMPOSE_PROJECT_NAME"] = name }
        let root = mergedFiles(files, session: session, variables: variables)
        guard let root, let name, !log.hasErrors else { throw ComposeError(diagnostics: log.entries) }
        let project = validatedProject(root, name: name, files: files, session: session, variables: variables)
        if log.hasErrors { throw ComposeError(diagnostics: log.entries) }
        return LoadedProject(project: project, warnings: log.warnings)
    }

    private func locateFiles(log: DiagnosticLog, contents: FileContents) throws(ComposeError) -> [String] {
        let files: [String]
        do {
            let discovery = discoveryEnvironment(log: log, contents: contents)
            files = try ComposeFileLocator(workingDirectory: options.workingDirectory, environment: discovery).locate(options.files)
        } catch {
            throw ComposeError(diagnostics: [ComposeDiagnostic(.error, at: nil, path: "", error.message)])
        }
        for file in files where !contents.exists(file) {
            log.error("compose file \(file) does not exist", at: nil, path: "")
        }
        if log.hasErrors { throw ComposeError(diagnostics: log.entries) }
        return files
    }

    /// Every file loaded (interpolated, includes and extends applied) and merged in order.
    private func mergedFiles(_ files: [String], session: LoadSession, variables: [String: String]) -> YAMLNode? {
        let loader = ComposeFileLoader(session: session, variables: variables, baseDirectory: session.projectDirectory)
        var merged: YAMLNode?
        for file in files {
            guard let node = loader.load(file) else { continue }
            merged = merged.map { NodeMerger.merge($0, node) } ?? node
        }
        return merged.flatMap(NodeMerger.stripResets)
    }

    private func validatedProject(_ root: YAMLNode, name: String, files: [String], session: LoadSession, variables: [String: String]) -> Project {
        let assembler = ProjectAssembler(
            session: session,
            variables: variables,
            processEnvironment: options.environment,
            requireDockerfiles: options.requireCommands,
            activeProfiles: activeProfiles(variables),
            requestedServices: Set(options.requestedServices)
        )
        let (project, decoded) = assembler.assemble(root, name: name, files: files)
        checkRequestedServices(project, log: session.log)
        ProjectValidator(log: session.log, requireCommands: options.requireCommands).validate(project, decoded: decoded)
        NotEmulatedReport(log: session.log).report(project, decoded: decoded, root: root)
        return project
    }

    /// compose also takes `COMPOSE_FILE` from the `.env` (or `--env-file`) of the
    /// directory it starts in, when neither `-f` nor the shell gives the files.
    private func discoveryEnvironment(log: DiagnosticLog, contents: FileContents) -> [String: String] {
        guard options.files.isEmpty, options.environment["COMPOSE_FILE"] == nil else { return options.environment }
        let directory = options.projectDirectory.map { PathResolver.absolute($0, relativeTo: options.workingDirectory) } ?? options.workingDirectory
        let session = LoadSession(log: log, contents: contents, projectDirectory: directory, interpolate: options.interpolate)
        let envFiles = options.envFiles.map { PathResolver.absolute($0, relativeTo: options.workingDirectory) }
        return EnvironmentSources(session: session).variables(envFiles: envFiles, projectDirectory: directory, processEnvironment: options.environment)
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
