/// A probe program ready to spawn: resolved executable, argv, environment.
struct ProbeCommand: Sendable, Equatable {
    var executable: String
    /// argv, including argv[0].
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String?
}
