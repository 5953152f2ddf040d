/// Everything the shim needs to run one instance; sent by the supervisor as
/// the first line (JSON) on the shim's command pipe.
struct ShimSpec: Codable, Sendable, Equatable {
    /// Absolute path of the program the service runs.
    var executable: String
    var arguments: [String]
    /// `KEY=value` entries: the whole environment of the service.
    var environment: [String]
    var workingDirectory: String?
    var stopSignal: Int32
    var stopGraceMilliseconds: Int
    /// The file the program sees as `/etc/hosts`, or nil. The shim enters a
    /// mount namespace of its own and mounts it there before it starts the
    /// program: one process start fewer per instance than exec'ing
    /// `__exec-ns`, possible because the shim has no second thread yet.
    var hostsFile: String? = nil
}

/// The descriptors a shim is started with.
enum ShimDescriptor {
    /// Supervisor → shim: the spec line, then commands. EOF means the supervisor is gone.
    static let commands: CInt = 3
    /// Shim → supervisor: `ShimEvent` lines.
    static let events: CInt = 4
}

/// Supervisor → shim, one per line after the spec.
enum ShimCommand: Equatable {
    /// stop_signal to the group, then SIGKILL after the grace period.
    case stop
    /// One signal to the group (`slipway kill -s`).
    case signal(Int32)

    var line: String {
        switch self {
        case .stop: "stop\n"
        case let .signal(number): "signal \(number)\n"
        }
    }

    init?(line: Substring) {
        let words = line.split(separator: " ")
        switch words.first {
        case "stop": self = .stop
        case "signal": guard words.count == 2, let n = Int32(words[1]) else { return nil }
            self = .signal(n)
        default: return nil
        }
    }
}

/// Shim → supervisor, one per line.
enum ShimEvent: Equatable, Sendable {
    case started(ProcessIdentity)
    case failed(String)
    case ended(ExitStatus)

    var line: String {
        switch self {
        case let .started(identity): "started \(identity.pid) \(identity.startTime)\n"
        case let .failed(message): "failed \(message.replacingNewlines())\n"
        case let .ended(.exited(code)): "exited \(code)\n"
        case let .ended(.signalled(signal)): "signalled \(signal)\n"
        }
    }

    init?(line: Substring) {
        let words = line.split(separator: " ", maxSplits: 1)
        guard let kind = words.first else { return nil }
        let rest = words.count > 1 ? words[1] : ""
        switch kind {
        case "started":
            let numbers = rest.split(separator: " ")
            guard numbers.count == 2, let pid = Int32(numbers[0]), let start = UInt64(numbers[1]) else { return nil }
            self = .started(ProcessIdentity(pid: pid, startTime: start))
        case "failed": self = .failed(String(rest))
        case "exited": guard let code = Int32(rest) else { return nil }
            self = .ended(.exited(code))
        case "signalled": guard let signal = Int32(rest) else { return nil }
            self = .ended(.signalled(signal))
        default: return nil
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
