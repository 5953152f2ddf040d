import Foundation
import SlipwayRuntime

/// One measurement: launch the server, let a HealthMonitor probe it, and
/// report how long after the server started listening it was seen healthy.
struct ReadinessRun {
    enum Failure: Error, CustomStringConvertible {
        case neverHealthy(probe: String)
        case noListenStamp

        var description: String {
            switch self {
            case let .neverHealthy(probe): "the \(probe) probe never reported the server healthy"
            case .noListenStamp: "the server never reported that it listens"
            }
        }
    }

    var python: String
    var workDirectory: String
    var kind: ReadinessProbeKind
    var interval: Duration
    var startDelay: Duration
    var limiter: ProbeLimiter
    var ports: PortAllocator
    /// Nil measures the probe schedule alone, as before listen detection.
    var listens: ListenWatch?

    /// Milliseconds from launch to listening, and from listening to healthy.
    func measure(index: Int) async throws -> ReadinessSample {
        let port = try ports.allocate()
        defer { ports.release(port) }
        let stampFile = "\(workDirectory)/listen-\(kind.rawValue)-\(index)"
        let launchedAt = ContinuousClock.now
        let launchedAtMonotonic = MonotonicClock.nanoseconds()
        let server = try ReadinessServer(python: python, port: port, startDelay: startDelay, stampFile: stampFile)
        defer { server.stop() }
        let plan = HealthCheckPlan(check: kind.check(port: port), interval: interval, timeout: .seconds(5))
        let monitor = HealthMonitor(
            plan: plan, environment: ProcessInfo.processInfo.environment, workingDirectory: workDirectory,
            limiter: limiter, launchedAt: launchedAt,
            listen: listens.map { ListenTarget(watch: $0, ports: [port], processTree: server.pid) })
        await monitor.start()
        var healthyAt: UInt64?
        var probeTime = Duration.zero
        for await transition in monitor.transitions where transition.to == .healthy {
            healthyAt = MonotonicClock.nanoseconds()
            probeTime = transition.probe.duration
            break
        }
        await monitor.stop()
        guard let healthyAt else { throw Failure.neverHealthy(probe: kind.rawValue) }
        guard let listening = server.listeningSince else { throw Failure.noListenStamp }
        return ReadinessSample(
            startup: Double(Int64(listening) - Int64(launchedAtMonotonic)) / 1_000_000,
            latency: Double(Int64(healthyAt) - Int64(listening)) / 1_000_000,
            probeTime: Double(probeTime.components.attoseconds) / 1e15 + Double(probeTime.components.seconds) * 1000)
    }
}

/// One run's figures, in milliseconds.
struct ReadinessSample {
    /// Launch to listening: how slow a starter the server was.
    var startup: Double
    /// Listening to reported healthy: the figure measured.
    var latency: Double
    /// How long the probe that found it healthy ran.
    var probeTime: Double
}

/// The probe forms the benchmark compares.
enum ReadinessProbeKind: String, CaseIterable {
    case healthPath = "health_path"
    case command = "CMD curl"

    func check(port: Int) -> ProbeCheck {
        switch self {
        case .healthPath: .http(port: port, path: "/health/")
        case .command: .exec(["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:\(port)/health/"])
        }
    }
}
