import Glibc

/// What to start and how: the argument of `ProcessSpawner.spawn`.
package struct SpawnRequest {
    /// Absolute path of the program.
    package var executable: String
    /// argv, including argv[0].
    package var arguments: [String]
    /// `KEY=value` entries.
    package var environment: [String]
    package var workingDirectory: String?
    /// Child descriptor → parent descriptor it becomes a copy of. Every other
    /// descriptor is closed in the child.
    package var descriptors: [CInt: CInt]
    /// A new session (and so a new process group led by the child).
    package var newSession: Bool = false
    /// A new process group without a new session.
    package var newProcessGroup: Bool = false

    package init(
        executable: String, arguments: [String], environment: [String], workingDirectory: String? = nil,
        descriptors: [CInt: CInt], newSession: Bool = false, newProcessGroup: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.descriptors = descriptors
        self.newSession = newSession
        self.newProcessGroup = newProcessGroup
    }
}

package struct SpawnError: Error, CustomStringConvertible {
    package var executable: String
    package var code: CInt
    package var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}
