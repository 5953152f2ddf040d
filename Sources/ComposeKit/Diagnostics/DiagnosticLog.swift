/// Collects diagnostics through every stage of a load. A reference type so each
/// stage can add to the one log without threading it back out. A problem met
/// twice (a file read for discovery and again for the load) is reported once.
final class DiagnosticLog {
    private(set) var entries: [ComposeDiagnostic] = []
    private var seen: Set<String> = []

    var hasErrors: Bool { entries.contains { $0.severity == .error } }
    var warnings: [ComposeDiagnostic] { entries.filter { $0.severity == .warning } }

    func error(_ message: String, at position: SourcePosition?, path: String) {
        add(ComposeDiagnostic(.error, at: position, path: path, message))
    }

    func warning(_ message: String, at position: SourcePosition?, path: String) {
        add(ComposeDiagnostic(.warning, at: position, path: path, message))
    }

    private func add(_ diagnostic: ComposeDiagnostic) {
        if seen.insert(diagnostic.description).inserted { entries.append(diagnostic) }
    }
}
