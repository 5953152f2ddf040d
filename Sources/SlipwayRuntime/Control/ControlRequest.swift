import SlipwayShim
/// What a client asks the supervisor, one per connection. An empty
/// `services` list means every service of the project.
public enum ControlRequest: Sendable, Equatable {
    case status(services: [String])
    case stop(services: [String], timeout: Duration?)
    case start(services: [String])
    case restart(services: [String], timeout: Duration?)
    case kill(services: [String], signal: Int32)
    case down(timeout: Duration?)
    /// Streams status changes (and, when the supervisor offers them, log
    /// records) until the client disconnects or the supervisor stops.
    case watch(services: [String])
    /// The proxy's counters for the services' published ports.
    case stats(services: [String])
    /// SIGSTOP to each named service's instance group; `unpause` sends SIGCONT.
    case pause(services: [String])
    case unpause(services: [String])
    /// The stable addresses of the named services (`slipway run` hands them to a one-off).
    case addresses(services: [String])
    /// Streams `DeployProgress` events, then answers with a `DeployReport`.
    case deploy(DeployRequest)
    /// Streams like `deploy`.
    case rollback(RollbackRequest)
    /// The deploy waiting in preview switches (`promote`) or is discarded (`abort`); stream like `deploy`.
    case promote(service: String)
    case abort(service: String)
    /// Changes (or reads) the proxy's injected fault for a service; answered with a `FaultReport`.
    case fault(FaultRequest)
}

extension ControlRequest: Codable {
    /// The protocol version this build speaks; a request from a newer client
    /// is refused rather than misread.
    public static let protocolVersion = 1

    /// The longest stop timeout a request may carry, in seconds (one day): a
    /// grace period beyond it is a typo, and bounding it keeps every
    /// conversion to `Duration` exact.
    public static let maximumTimeoutSeconds = 86_400

    private enum CodingKeys: String, CodingKey {
        case version, request, services, timeout, signal, deploy, rollback, fault
    }

    private enum Name: String, Codable {
        case status, stop, start, restart, kill, down, watch, stats, pause, unpause, addresses, deploy, rollback, promote, abort, fault
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let version = try container.decodeIfPresent(Int.self, forKey: .version), version != Self.protocolVersion {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container,
                debugDescription: version > Self.protocolVersion
                    ? "control protocol version \(version) is newer than this supervisor's (\(Self.protocolVersion)); restart the project with this slipway"
                    : "control protocol version \(version) does not exist; this supervisor speaks version \(Self.protocolVersion)")
        }
        let services = try container.decodeIfPresent([String].self, forKey: .services) ?? []
        let timeout = try container.decodeIfPresent(Double.self, forKey: .timeout).map { seconds throws in
            guard seconds.isFinite, seconds >= 0, seconds <= Double(Self.maximumTimeoutSeconds) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .timeout, in: container,
                    debugDescription: "timeout must be 0 to \(Self.maximumTimeoutSeconds) seconds, not \(seconds)")
            }
            return Duration.milliseconds(Int64((seconds * 1000).rounded()))
        }
        let name = try container.decode(Name.self, forKey: .request)
        switch name {
        case .status: self = .status(services: services)
        case .stop: self = .stop(services: services, timeout: timeout)
        case .start: self = .start(services: services)
        case .restart: self = .restart(services: services, timeout: timeout)
        case .down: self = .down(timeout: timeout)
        case .watch: self = .watch(services: services)
        case .stats: self = .stats(services: services)
        case .pause: self = .pause(services: services)
        case .unpause: self = .unpause(services: services)
        case .addresses: self = .addresses(services: services)
        case .deploy: self = .deploy(try container.decode(DeployRequest.self, forKey: .deploy))
        case .rollback: self = .rollback(try container.decode(RollbackRequest.self, forKey: .rollback))
        case .fault: self = .fault(try container.decode(FaultRequest.self, forKey: .fault))
        case .promote, .abort:
            guard services.count == 1 else {
                throw DecodingError.dataCorruptedError(forKey: .services, in: container, debugDescription: "names exactly one service")
            }
            self = name == .promote ? .promote(service: services[0]) : .abort(service: services[0])
        case .kill:
            let name = try container.decode(String.self, forKey: .signal)
            guard let signal = SignalName.number(name) else {
                throw DecodingError.dataCorruptedError(forKey: .signal, in: container, debugDescription: "unknown signal \(name)")
            }
            self = .kill(services: services, signal: signal)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.protocolVersion, forKey: .version)
        switch self {
        case .status(let services):
            try encode(.status, services: services, into: &container)
        case .stop(let services, let timeout):
            try encode(.stop, services: services, timeout: timeout, into: &container)
        case .start(let services):
            try encode(.start, services: services, into: &container)
        case .restart(let services, let timeout):
            try encode(.restart, services: services, timeout: timeout, into: &container)
        case .kill(let services, let signal):
            try encode(.kill, services: services, into: &container)
            let name = SignalName.name(signal)
            try container.encode(name.hasPrefix("SIG") ? name : String(signal), forKey: .signal)
        case .down(let timeout):
            try encode(.down, services: nil, timeout: timeout, into: &container)
        case .watch(let services):
            try encode(.watch, services: services, into: &container)
        case .stats(let services):
            try encode(.stats, services: services, into: &container)
        case .pause(let services):
            try encode(.pause, services: services, into: &container)
        case .unpause(let services):
            try encode(.unpause, services: services, into: &container)
        case .addresses(let services):
            try encode(.addresses, services: services, into: &container)
        case .deploy(let request):
            try encode(.deploy, services: nil, into: &container)
            try container.encode(request, forKey: .deploy)
        case .rollback(let request):
            try encode(.rollback, services: nil, into: &container)
            try container.encode(request, forKey: .rollback)
        case .fault(let request):
            try encode(.fault, services: nil, into: &container)
            try container.encode(request, forKey: .fault)
        case .promote(let service):
            try encode(.promote, services: [service], into: &container)
        case .abort(let service):
            try encode(.abort, services: [service], into: &container)
        }
    }

    private func encode(
        _ name: Name, services: [String]?, timeout: Duration? = nil, into container: inout KeyedEncodingContainer<CodingKeys>
    ) throws {
        try container.encode(name, forKey: .request)
        try container.encodeIfPresent(services, forKey: .services)
        try container.encodeIfPresent(timeout.map(Self.seconds), forKey: .timeout)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
