import ArgumentParser
import Foundation
import SlipwayRuntime

/// `slipway port SERVICE PRIVATE_PORT`: where a published port can be
/// reached, as `docker compose port` prints it, for a test to connect to an
/// ephemeral port.
struct PortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port",
        abstract: "Print the published address (HOST:PORT) of a service's container port.",
        discussion: "Exit codes: 0 printed, 1 no supervisor, no such service, or the port is not published."
    )

    enum PortProtocol: String, ExpressibleByArgument, CaseIterable {
        case tcp, udp
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("protocol"), help: "tcp or udp.")
    var portProtocol: PortProtocol = .tcp

    @Argument(help: "The service.")
    var service: String

    @Argument(help: "The container port the compose file names (8000 in \"8003:8000\").")
    var privatePort: Int

    func validate() throws {
        guard (1...65535).contains(privatePort) else { throw ValidationError("the private port must be 1 to 65535, got \(privatePort)") }
    }

    func run() async throws {
        let snapshot = try await global.controlClient().status(services: [service])
        guard let publisher = snapshot.published(service: service, port: privatePort, protocol: portProtocol.rawValue) else {
            throw PortNotPublished(
                message: "no port \(privatePort)/\(portProtocol.rawValue) is published for service \(service)")
        }
        print(publisher.address)
    }
}

struct PortNotPublished: SlipwayFailure {
    var message: String
    var exitCode: ExitCode { .failure }
}
