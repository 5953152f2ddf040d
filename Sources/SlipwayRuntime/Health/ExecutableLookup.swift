import Glibc

/// Finds a `CMD` probe's program the way a container's exec does: through
/// the `PATH` of the instance's environment, not the supervisor's.
enum ExecutableLookup {
    /// What a shell uses when `PATH` is unset.
    static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The program to spawn, or nil when `PATH` has no executable of that name.
    /// A name with a `/` is used as written (relative to the working directory).
    static func resolve(_ name: String, environment: [String: String], workingDirectory: String?) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") { return name }
        let searchPath = environment["PATH"] ?? defaultSearchPath
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if isExecutableFile(candidate, relativeTo: workingDirectory) { return candidate }
        }
        return nil
    }

    private static func isExecutableFile(_ path: String, relativeTo workingDirectory: String?) -> Bool {
        let absolute = path.hasPrefix("/") || workingDirectory == nil ? path : workingDirectory! + "/" + path
        var info = stat()
        guard stat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return access(absolute, X_OK) == 0
    }
}
