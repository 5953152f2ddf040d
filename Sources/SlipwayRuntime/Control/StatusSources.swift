import ComposeKit

extension PortPublisher {
    /// A published port as the proxy bound it: the file's host IP (127.0.0.1
    /// when it names none) and the host port actually in use, which differs
    /// from the file for `"8000"` alone or a range.
    public init(mapping: PortMapping, boundPort: Int) {
        self.init(url: mapping.hostIP ?? "127.0.0.1", targetPort: mapping.target, publishedPort: boundPort, protocol: mapping.protocol)
    }
}

/// The COMMAND `ps` shows: the entrypoint and command as one line, list
/// items quoted when they hold spaces, so the user can read what runs.
public enum CommandDisplay {
    public static func text(for service: Service) -> String {
        if let run = service.imageRun {
            let server = run.adapter.server.path.split(separator: "/").last.map(String.init) ?? run.adapter.image
            return ([server] + run.serverArguments).map(quoted).joined(separator: " ")
        }
        return [service.entrypoint, service.effectiveCommand].compactMap { $0 }.map(text).joined(separator: " ")
    }

    static func text(_ command: CommandLine) -> String {
        switch command {
        case .shell(let line): line
        case .exec(let arguments): arguments.map(quoted).joined(separator: " ")
        }
    }

    private static func quoted(_ argument: String) -> String {
        guard argument.isEmpty || argument.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" }) else { return argument }
        return "\"" + argument.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
