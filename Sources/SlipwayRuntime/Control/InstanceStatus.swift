import Foundation

/// What the supervisor knows about one service instance at one moment.
public struct InstanceStatus: Sendable, Codable, Equatable {
    /// The instance's name (`<project>-<service>-1`).
    public var name: String
    public var service: String
    /// The service's `image:`, empty when it has none.
    public var image: String
    /// The command as the user would read it, for display only.
    public var command: String
    public var state: InstanceState
    /// nil when the service has no health check.
    public var health: HealthStatus?
    /// The last exit code; 0 while the process has never exited.
    public var exitCode: Int32
    /// The service's process id (the leader of its process group), nil when not running.
    public var pid: Int32?
    /// When the current process was launched, nil when it never was.
    public var startedAt: Date?
    public var publishers: [PortPublisher]
    /// How many times the supervisor restarted the service under its restart policy.
    public var restartCount: Int

    public init(
        name: String, service: String, image: String = "", command: String, state: InstanceState, health: HealthStatus? = nil,
        exitCode: Int32 = 0, pid: Int32? = nil, startedAt: Date? = nil, publishers: [PortPublisher] = [],
        restartCount: Int = 0
    ) {
        self.name = name
        self.service = service
        self.image = image
        self.command = command
        self.state = state
        self.health = health
        self.exitCode = exitCode
        self.pid = pid
        self.startedAt = startedAt
        self.publishers = publishers
        self.restartCount = restartCount
    }

    private enum CodingKeys: String, CodingKey {
        case name, service, image, command, state, health, exitCode, pid, startedAt, publishers, restartCount
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        service = try container.decode(String.self, forKey: .service)
        image = try container.decodeIfPresent(String.self, forKey: .image) ?? ""
        command = try container.decode(String.self, forKey: .command)
        state = try container.decode(InstanceState.self, forKey: .state)
        let healthText = try container.decode(String.self, forKey: .health)
        guard healthText.isEmpty || HealthStatus(rawValue: healthText) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .health, in: container, debugDescription: "unknown health \(healthText)")
        }
        health = HealthStatus(rawValue: healthText)
        exitCode = try container.decode(Int32.self, forKey: .exitCode)
        pid = try container.decodeIfPresent(Int32.self, forKey: .pid)
        startedAt = try container.decodeIfPresent(Date.self, forKey: .startedAt)
        publishers = try container.decode([PortPublisher].self, forKey: .publishers)
        restartCount = try container.decode(Int.self, forKey: .restartCount)
    }

    /// `health` goes out as docker writes it: the status name, or "" without a health check.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(service, forKey: .service)
        try container.encode(image, forKey: .image)
        try container.encode(command, forKey: .command)
        try container.encode(state, forKey: .state)
        try container.encode(health?.rawValue ?? "", forKey: .health)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encodeIfPresent(pid, forKey: .pid)
        try container.encodeIfPresent(startedAt, forKey: .startedAt)
        try container.encode(publishers, forKey: .publishers)
        try container.encode(restartCount, forKey: .restartCount)
    }
}
