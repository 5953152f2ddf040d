/// A load that failed: every error found, in the order the files were read, so a
/// user fixes them all in one pass instead of one per run.
public struct ComposeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [ComposeDiagnostic]

    public init(diagnostics: [ComposeDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [ComposeDiagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
