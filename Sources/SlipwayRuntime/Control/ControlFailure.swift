/// A request the supervisor refused or could not carry out. A
/// `ControlRequestHandler` throws it to send its message to the client as is;
/// any other error reaches the client as `failed` with its description.
public struct ControlFailure: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// A service named in the request is not part of the project.
        case noSuchService = "no-such-service"
        /// The request could not be read, or asks for something this supervisor does not speak.
        case invalidRequest = "invalid-request"
        /// The compose files a deploy read are invalid; nothing was changed.
        case invalidCompose = "invalid-compose"
        /// The supervisor tried and failed.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public static func noSuchService(_ name: String) -> ControlFailure {
        ControlFailure(kind: .noSuchService, message: "no such service: \(name)")
    }

    public var description: String { message }
}
