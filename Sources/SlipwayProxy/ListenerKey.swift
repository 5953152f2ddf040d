/// Names one published port: the service it belongs to and the container port it forwards to.
public struct ListenerKey: Hashable, Sendable, CustomStringConvertible {
    public var service: String
    public var containerPort: Int

    public init(service: String, containerPort: Int) {
        self.service = service
        self.containerPort = containerPort
    }

    public var description: String { "\(service):\(containerPort)" }
}
