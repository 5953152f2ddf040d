import ComposeKit

/// The argv a service runs: `entrypoint` and `command` combined as compose
/// does (string → `/bin/sh -c`, list → exec'd; a list entrypoint takes the
/// command as its arguments).
enum ServiceCommand {
    static func arguments(for service: Service) throws(UpError) -> [String] {
        let arguments: [String]
        switch (service.entrypoint, service.effectiveCommand) {
        case let (.shell(script)?, _): arguments = ["/bin/sh", "-c", script]
        case let (.exec(entry)?, .exec(command)?): arguments = entry + command
        case let (.exec(entry)?, .shell(command)?): arguments = entry + command.split(separator: " ").map(String.init)
        case let (.exec(entry)?, nil): arguments = entry
        case let (nil, .shell(script)?): arguments = ["/bin/sh", "-c", script]
        case let (nil, .exec(command)?): arguments = command
        case (nil, nil): arguments = []
        }
        guard let first = arguments.first, !first.isEmpty else {
            throw UpError.cannotStart(service: service.name, reason: "it has no command (set `command` or `x-slipway.command`)")
        }
        return arguments
    }
}
