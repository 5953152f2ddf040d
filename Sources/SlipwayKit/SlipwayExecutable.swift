import Foundation
import Glibc

/// The `slipway` binary beside which `slipway-shim` is found: the supervisor
/// runs in the test process, but each service is started through
/// `slipway-shim __shim`, a process of its own that stops the service if the
/// test process dies.
enum SlipwayExecutable {
    /// `explicit`, else `SLIPWAY`, is the one to use (a bare name is looked
    /// up on `PATH`); without either, the `slipway` SwiftPM built beside
    /// the running test binary, then the one on `PATH`.
    static func locate(_ explicit: String?, environment: [String: String]) throws(ProjectError) -> String {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates: [String]
        if let named = explicit ?? environment["SLIPWAY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            candidates = named.contains("/") ? [absolute(named)] : onPath(named, path)
        } else {
            candidates = besideRunningExecutable() + onPath("slipway", path)
        }
        guard let found = candidates.first(where: isExecutableFile) else { throw .slipwayNotFound(searched: candidates) }
        return found
    }

    private static func besideRunningExecutable() -> [String] {
        guard let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return [] }
        return [URL(fileURLWithPath: running).deletingLastPathComponent().appendingPathComponent("slipway").path]
    }

    private static func onPath(_ name: String, _ path: String) -> [String] {
        path.split(separator: ":").map { "\($0)/\(name)" }
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}
