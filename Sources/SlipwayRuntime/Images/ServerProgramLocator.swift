import ComposeKit
import Glibc

/// Finds an image adapter's server program on this machine, or says which
/// Debian package installs it.
enum ServerProgramLocator {
    static func locate(
        _ server: ServerProgram, reference: ImageReference, service: String
    ) throws(UpError) -> String {
        guard server.isVersioned else {
            guard isExecutable(server.path) else { throw missing(server.path, server.package, reference, service) }
            return server.path
        }
        if let major = reference.major {
            let path = server.path.replacingOccurrences(of: "{major}", with: String(major))
            guard isExecutable(path) else {
                throw missing(path, server.package.replacingOccurrences(of: "{major}", with: String(major)), reference, service)
            }
            return path
        }
        guard let newest = installedMajors(server).max() else {
            let example = server.package.replacingOccurrences(of: "{major}", with: "15")
            throw missing(server.path.replacingOccurrences(of: "{major}", with: "<major>"), example, reference, service)
        }
        return server.path.replacingOccurrences(of: "{major}", with: String(newest))
    }

    /// The majors present: `/usr/lib/postgresql/<n>/bin/postgres` for each `<n>`.
    static func installedMajors(_ server: ServerProgram) -> [Int] {
        let parts = server.path.components(separatedBy: "{major}")
        guard parts.count == 2, let slash = parts[0].lastIndex(of: "/") else { return [] }
        let parent = String(parts[0][..<slash])
        guard let directory = opendir(parent) else { return [] }
        defer { closedir(directory) }
        var majors: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let major = Int(name), isExecutable(parts[0] + name + parts[1]) { majors.append(major) }
        }
        return majors
    }

    private static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }

    private static func missing(_ path: String, _ package: String, _ reference: ImageReference, _ service: String) -> UpError {
        let image = reference.tag.map { "\(reference.name):\($0)" } ?? reference.name
        return UpError.cannotStart(
            service: service,
            reason: "image \(image) runs \(path), which is not installed; install the Debian package \(package) "
                + "(apt-get install \(package))")
    }
}
