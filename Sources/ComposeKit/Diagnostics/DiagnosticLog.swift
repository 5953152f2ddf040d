/// Collects diagnostics through every stage of a load. A reference type so each
/// stage can add to the one log without threading it back out.
final class DiagnosticLog {
    private(set) var entries: [ComposeDiagnostic] = []

    var hasErrors: Bool { entries.contains { $0.severity == .error } }
    var errors: [ComposeDiagnostic] { entries.filter { $0.severity == .error } }
    var warnings: [ComposeDiagnostic] { entries.filter { $0.severity == .warning } }

    func error(_ message: String, at position: SourcePosition?, path: String) {
        entries.append(ComposeDiagnostic(.error, at: position, path: path, message))
    }

    func warning(_ message: String, at position: SourcePosition?, path: String) {
        let diagnostic = ComposeDiagnostic(.warning, at: position, path: path, message)
        if !entries.contains(diagnostic) { entries.append(diagnostic) }
    }

    func append(_ diagnostic: ComposeDiagnostic) {
        entries.append(diagnostic)
    }
}
