import Glibc

/// What to start and how: the argument of `ProcessSpawner.spawn`.
struct SpawnRequest {
    /// Absolute path of the program.
    var executable: String
    /// argv, including argv[0].
    var arguments: [String]
    /// `KEY=value` entries.
    var environment: [String]
    var workingDirectory: String?
    /// Child descriptor → parent descriptor it becomes a copy of. Every other
    /// descriptor is closed in the child.
    var descriptors: [CInt: CInt]
    /// A new session (and so a new process group led by the child).
    var newSession: Bool = false
    /// A new process group without a new session.
    var newProcessGroup: Bool = false
}

struct SpawnError: Error, CustomStringConvertible {
    var executable: String
    var code: CInt
    var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}
