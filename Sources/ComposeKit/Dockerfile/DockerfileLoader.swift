import Foundation

/// Reads the Dockerfile of each `build:` service during a load and applies
/// its defaults; a Dockerfile that cannot be read or parsed is a load error
/// at its own file and line, under the service's `build` key path.
struct DockerfileLoader {
    let session: LoadSession
    let reader: ValueReader
    /// The environment a base image's variables are taken from (the process's).
    let baseEnvironment: [String: String]
    /// True when the load is for running (`up`): a Dockerfile that cannot be
    /// found is then an error; for `config`, which builds nothing, a warning.
    let requireDockerfiles: Bool
    let lookup: (String) -> String?

    private var log: DiagnosticLog { session.log }

    func apply(to decoded: inout DecodedService) {
        guard let node = decoded.node["build"], !node.isNull else { return }
        let path = "services.\(decoded.service.name).build"
        let source = BuildSource.decode(
            node, path: path, projectDirectory: session.projectDirectory, reader: reader,
            unavailable: { unavailable($0, at: $1, path: path) }, lookup: lookup)
        guard let source,
              contextExists(source, path: path),
              let (text, origin) = dockerfileText(source, path: path) else { return }
        let parser = DockerfileParser(buildArguments: source.arguments, baseEnvironment: baseEnvironment, target: source.target)
        let image: DockerfileImage
        do {
            image = try parser.parse(text)
        } catch {
            log.error(origin.message(error), at: origin.position(error), path: path)
            return
        }
        decoded.dockerfile = origin.name
        let healthcheckKeys = Set(decoded.node["healthcheck"]?.entries?.map(\.key) ?? [])
        let skipped = DockerfileDefaults(image: image, context: source.context).apply(to: &decoded.service, healthcheckKeys: healthcheckKeys)
        report(image: image, skipped: skipped, origin: origin, path: path, build: node.position)
    }

    private func contextExists(_ source: BuildSource, path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.context, isDirectory: &isDirectory), isDirectory.boolValue else {
            unavailable("build context \(session.contents.displayName(source.context)) is not a directory", at: source.position, path: path)
            return false
        }
        return true
    }

    private func dockerfileText(_ source: BuildSource, path: String) -> (String, DockerfileOrigin)? {
        switch source.dockerfile {
        case let .inline(text, position):
            return (text, .inline(position))
        case let .file(file):
            let name = session.contents.displayName(file)
            guard let text = session.contents.read(file) else {
                unavailable("cannot read Dockerfile \(name): no such file or not readable", at: source.position, path: path)
                return nil
            }
            return (text, .file(name))
        }
    }

    private func unavailable(_ message: String, at position: SourcePosition, path: String) {
        if requireDockerfiles {
            log.error(message, at: position, path: path)
        } else {
            log.warning("\(message); its defaults are not applied", at: position, path: path)
        }
    }

    private func report(image: DockerfileImage, skipped: [ExposedPort], origin: DockerfileOrigin, path: String, build: SourcePosition) {
        if let first = image.runLines.first {
            let what = image.runLines.count == 1
                ? "its RUN instruction is not executed: the host must provide what it installs"
                : "its \(image.runLines.count) RUN instructions are not executed: the host must provide what they install"
            log.warning("\(what) (see docs/dockerfile.md)", at: origin.position(line: first), path: path)
        }
        for port in skipped {
            log.warning("EXPOSE \(port.port)/\(port.protocol) is left out: Slipway gives private ports to TCP only", at: build, path: path)
        }
    }
}

/// Where a Dockerfile's text came from, so its errors point there.
enum DockerfileOrigin {
    case file(String)
    case inline(SourcePosition)

    /// The Dockerfile's display name, or how the inline text is named.
    var name: String {
        switch self {
        case let .file(name): return name
        case .inline: return "dockerfile_inline"
        }
    }

    func position(_ error: DockerfileError) -> SourcePosition {
        switch self {
        case let .file(name): return SourcePosition(file: name, line: error.line, column: error.column)
        case let .inline(position): return position
        }
    }

    func position(line: Int) -> SourcePosition {
        position(DockerfileError(line: line, ""))
    }

    func message(_ error: DockerfileError) -> String {
        switch self {
        case .file: return error.message
        case .inline: return "line \(error.line) of dockerfile_inline: \(error.message)"
        }
    }
}
