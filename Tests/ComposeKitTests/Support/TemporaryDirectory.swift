import Foundation
@testable import ComposeKit

/// A directory of its own for one test, removed when the test lets go of it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("composekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        // Resolve symlinks so paths compare equal to what the loader computes.
        path = base.resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }

    func options(_ files: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil) -> LoadOptions {
        LoadOptions(
            files: files,
            environment: environment,
            workingDirectory: workingDirectory ?? path,
            requireCommands: false
        )
    }

    func load(_ files: [String] = [], environment: [String: String] = [:], configure: (inout LoadOptions) -> Void = { _ in }) throws(ComposeError) -> LoadedProject {
        var options = options(files, environment: environment)
        configure(&options)
        return try ProjectLoader(options: options).load()
    }

    /// The diagnostics of a load expected to fail (empty when it unexpectedly succeeded).
    func errors(_ files: [String] = [], environment: [String: String] = [:], configure: (inout LoadOptions) -> Void = { _ in }) -> [ComposeDiagnostic] {
        do {
            _ = try load(files, environment: environment, configure: configure)
            return []
        } catch {
            return error.errors
        }
    }
}
