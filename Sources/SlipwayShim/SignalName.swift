import Glibc

/// Signal names as compose writes them (`SIGTERM`, `TERM`, `15`).
public enum SignalName {
    private static let numbers: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1,
        "USR2": SIGUSR2, "TERM": SIGTERM, "ALRM": SIGALRM, "CONT": SIGCONT, "STOP": SIGSTOP,
        "TSTP": SIGTSTP, "WINCH": SIGWINCH, "PWR": SIGPWR, "ABRT": SIGABRT, "PIPE": SIGPIPE,
    ]

    /// The signal number for a name, or nil when the name is unknown.
    public static func number(_ name: String) -> Int32? {
        if let value = Int32(name), value > 0, value < 65 { return value }
        var key = name.uppercased()
        if key.hasPrefix("SIG") { key.removeFirst(3) }
        return numbers[key]
    }

    /// `SIGTERM` for 15; used in messages ("killed by SIGKILL").
    public static func name(_ number: Int32) -> String {
        numbers.first { $0.value == number }.map { "SIG\($0.key)" } ?? "signal \(number)"
    }
}
