/// Everything the shim needs to run one instance; sent by the supervisor as
/// the first line on the shim's command pipe (`line`, read back by
/// `init(line:)`). A line of its own rather than JSON: the shim links no
/// Foundation, so that it starts in a millisecond.
public struct ShimSpec: Sendable, Equatable {
    /// Absolute path of the program the service runs.
    public var executable: String
    public var arguments: [String]
    /// `KEY=value` entries: the whole environment of the service.
    public var environment: [String]
    public var workingDirectory: String?
    public var stopSignal: Int32
    public var stopGraceMilliseconds: Int
    /// The file the program sees as `/etc/hosts`, or nil. The shim enters a
    /// mount namespace of its own and mounts it there before it starts the
    /// program: one process start fewer per instance than exec'ing
    /// `__exec-ns`, possible because the shim has no second thread yet.
    public var hostsFile: String?

    public init(
        executable: String, arguments: [String], environment: [String], workingDirectory: String?,
        stopSignal: Int32, stopGraceMilliseconds: Int, hostsFile: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stopSignal = stopSignal
        self.stopGraceMilliseconds = stopGraceMilliseconds
        self.hostsFile = hostsFile
    }

    /// Space-separated `KEY=VALUE` fields, in order (`a` and `e` repeat):
    /// `x` executable, `a` argument, `e` environment entry, `w` working
    /// directory, `s` stop signal, `g` grace in milliseconds, `h` hosts file.
    /// Values are escaped (`ShimField`), so the line holds no space or newline of theirs.
    public var line: String {
        var fields = ["x=" + ShimField.escape(executable)]
        fields += arguments.map { "a=" + ShimField.escape($0) }
        fields += environment.map { "e=" + ShimField.escape($0) }
        if let workingDirectory { fields.append("w=" + ShimField.escape(workingDirectory)) }
        fields += ["s=\(stopSignal)", "g=\(stopGraceMilliseconds)"]
        if let hostsFile { fields.append("h=" + ShimField.escape(hostsFile)) }
        return fields.joined(separator: " ") + "\n"
    }

    /// Nil for a line that is not a whole spec.
    public init?(line: Substring) {
        var executable: String?, signal: Int32?, grace: Int?
        var arguments: [String] = [], environment: [String] = []
        var workingDirectory: String?, hostsFile: String?
        for field in line.utf8.split(separator: UInt8(ascii: " ")) {
            guard field.count >= 2, field[field.index(after: field.startIndex)] == UInt8(ascii: "="),
                  let value = ShimField.unescape(field.dropFirst(2))
            else { return nil }
            switch field[field.startIndex] {
            case UInt8(ascii: "x"): executable = value
            case UInt8(ascii: "a"): arguments.append(value)
            case UInt8(ascii: "e"): environment.append(value)
            case UInt8(ascii: "w"): workingDirectory = value
            case UInt8(ascii: "s"): signal = Int32(value)
            case UInt8(ascii: "g"): grace = Int(value)
            case UInt8(ascii: "h"): hostsFile = value
            default: return nil
            }
        }
        guard let executable, let signal, let grace else { return nil }
        self.init(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            stopSignal: signal, stopGraceMilliseconds: grace, hostsFile: hostsFile)
    }
}

/// A spec field's value with backslash, space and newline escaped (`\\`,
/// `\s`, `\n`). Byte-wise: escaping by `Character` would miss a space or
/// newline that a grapheme cluster folds into its neighbour (`\r\n`).
package enum ShimField {
    private static let backslash = UInt8(ascii: "\\"), space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")

    package static func escape(_ value: String) -> String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case backslash: escaped += [backslash, backslash]
            case space: escaped += [backslash, UInt8(ascii: "s")]
            case newline: escaped += [backslash, UInt8(ascii: "n")]
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Nil for a dangling or unknown escape.
    package static func unescape(_ value: Substring.UTF8View.SubSequence) -> String? {
        var plain: [UInt8] = []
        plain.reserveCapacity(value.count)
        var escaping = false
        for byte in value {
            if escaping {
                switch byte {
                case backslash: plain.append(backslash)
                case UInt8(ascii: "s"): plain.append(space)
                case UInt8(ascii: "n"): plain.append(newline)
                default: return nil
                }
                escaping = false
            } else if byte == backslash {
                escaping = true
            } else {
                plain.append(byte)
            }
        }
        return escaping ? nil : String(decoding: plain, as: UTF8.self)
    }
}

/// The descriptors a shim is started with.
package enum ShimDescriptor {
    /// Supervisor → shim: the spec line, then commands. EOF means the supervisor is gone.
    package static let commands: CInt = 3
    /// Shim → supervisor: `ShimEvent` lines.
    package static let events: CInt = 4
}

/// Supervisor → shim, one per line after the spec.
package enum ShimCommand: Equatable {
    /// stop_signal to the group, then SIGKILL after the grace period.
    case stop
    /// One signal to the group (`slipway kill -s`).
    case signal(Int32)

    package var line: String {
        switch self {
        case .stop: "stop\n"
        case let .signal(number): "signal \(number)\n"
        }
    }

    package init?(line: Substring) {
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
package enum ShimEvent: Equatable, Sendable {
    case started(ProcessIdentity)
    case failed(String)
    case ended(ExitStatus)

    package var line: String {
        switch self {
        case let .started(identity): "started \(identity.pid) \(identity.startTime)\n"
        case let .failed(message): "failed \(message.replacingNewlines())\n"
        case let .ended(.exited(code)): "exited \(code)\n"
        case let .ended(.signalled(signal)): "signalled \(signal)\n"
        }
    }

    package init?(line: Substring) {
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
    package func replacingNewlines() -> String {
        String(map { $0 == "\n" ? " " : $0 })
    }
}
