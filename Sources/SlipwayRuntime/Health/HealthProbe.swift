/// Runs one health probe of an instance and judges it.
///
/// `CMD` and `CMD-SHELL` probes run in the instance's environment and working
/// directory, as the leader of their own process group; one that overruns
/// `timeout` is killed with its whole group and counts as a failure. The
/// probe waits on a dedicated thread, so a slow probe never holds a thread of
/// the cooperative pool; cancelling the calling task kills the probe.
public struct HealthProbe: Sendable {
    public var check: ProbeCheck
    public var timeout: Duration
    public var environment: [String: String]
    public var workingDirectory: String?

    public init(check: ProbeCheck, timeout: Duration, environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.check = check
        self.timeout = timeout
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    public func run() async -> ProbeResult {
        let cancellation = ProbeCancellation()
        let probe = self
        return await withTaskCancellationHandler {
            await DedicatedThread.run { probe.runBlocking(cancellation) }
        } onCancel: {
            cancellation.cancel()
        }
    }

    private func runBlocking(_ cancellation: ProbeCancellation) -> ProbeResult {
        let started = ContinuousClock.now
        var result = judge(cancellation)
        result.duration = .now - started
        return result
    }

    private func judge(_ cancellation: ProbeCancellation) -> ProbeResult {
        switch check {
        case let .http(port, path):
            let outcome = HTTPHealthRequest.get(
                port: port, path: path, deadline: ProbeDeadline(after: timeout), cancellation: cancellation)
            return judge(outcome)
        case let .shell(script):
            let command = ProbeCommand(
                executable: "/bin/sh", arguments: ["/bin/sh", "-c", script],
                environment: environment, workingDirectory: workingDirectory)
            return judge(ProbeProcess.run(command, timeout: timeout, cancellation: cancellation))
        case let .exec(arguments):
            guard let name = arguments.first else {
                return ProbeResult(isHealthy: false, reason: "the health check's CMD is empty")
            }
            guard let executable = ExecutableLookup.resolve(
                name, environment: environment, workingDirectory: workingDirectory)
            else {
                return ProbeResult(isHealthy: false, reason: "\(name): executable file not found in $PATH")
            }
            let command = ProbeCommand(
                executable: executable, arguments: arguments,
                environment: environment, workingDirectory: workingDirectory)
            return judge(ProbeProcess.run(command, timeout: timeout, cancellation: cancellation))
        }
    }

    private func judge(_ outcome: ProbeProcessOutcome) -> ProbeResult {
        let output = Self.trimmedText(outcome.output)
        switch outcome.ending {
        case let .exited(code):
            return ProbeResult(isHealthy: code == 0, reason: "exit code \(code)", output: output)
        case .timedOut:
            return ProbeResult(isHealthy: false, reason: "timed out after \(Self.describe(timeout))", output: output)
        case .cancelled:
            return ProbeResult(isHealthy: false, reason: "probe cancelled", output: output)
        case let .failedToStart(reason):
            return ProbeResult(isHealthy: false, reason: reason)
        }
    }

    private func judge(_ outcome: HTTPHealthRequest.Outcome) -> ProbeResult {
        switch outcome {
        case let .response(response):
            let body = Self.trimmedText(Array(response.body.prefix(ProbeProcess.outputLimit)))
            return ProbeResult(isHealthy: response.isSuccess, reason: "HTTP \(response.status)", output: body)
        case let .failed(reason):
            return ProbeResult(isHealthy: false, reason: reason)
        case .timedOut:
            return ProbeResult(isHealthy: false, reason: "timed out after \(Self.describe(timeout))")
        case .cancelled:
            return ProbeResult(isHealthy: false, reason: "probe cancelled")
        }
    }

    private static func trimmedText(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        return String(text.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }

    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}
