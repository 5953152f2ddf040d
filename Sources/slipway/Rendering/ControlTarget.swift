import Foundation
import SlipwayRuntime

/// The project a control command talks to, from the global options.
extension GlobalOptions {
    func controlEndpoint() throws -> ControlEndpoint {
        try ControlEndpoint.resolve(loadOptions(requireCommands: false), stateDirectory: scope.stateDirectory)
    }

    func controlClient() throws -> ControlClient {
        ControlClient(endpoint: try controlEndpoint())
    }
}
