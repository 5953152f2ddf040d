import Glibc

/// How a process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// The shell's and docker's convention: 128 + signal for a killed process.
    public var code: Int32 {
        switch self {
        case let .exited(code): code
        case let .signalled(signal): 128 + signal
        }
    }

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case let .exited(code): "exit code \(code)"
        case let .signalled(signal): "killed by \(SignalName.name(signal))"
        }
    }
}
