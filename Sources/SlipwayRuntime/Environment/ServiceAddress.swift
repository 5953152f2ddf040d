import ComposeKit

/// A container port T and the loopback port that stands for it.
public struct PortBinding: Sendable, Equatable, Codable {
    /// The container port as the compose file names it.
    public var target: Int
    public var port: Int

    public init(target: Int, port: Int) {
        self.target = target
        self.port = port
    }
}

/// Where a service is reached: its host and one loopback port per container
/// port, in the service's declaration order (the first is its main port).
public struct ServiceAddress: Sendable, Equatable, Codable {
    public var host: String
    public var ports: [PortBinding]

    public init(host: String = "127.0.0.1", ports: [PortBinding]) {
        self.host = host
        self.ports = ports
    }

    /// Orders `portsByTarget` (container port → loopback port) the way
    /// `service` declares its container ports; targets without a port are left out.
    public init(host: String = "127.0.0.1", service: Service, portsByTarget: [Int: Int]) {
        let ports = service.containerPorts.compactMap { target in
            portsByTarget[target].map { PortBinding(target: target, port: $0) }
        }
        self.init(host: host, ports: ports)
    }
}
