import Foundation
import Glibc
import SlipwayStore

/// Where a project's runtime records live:
/// `${XDG_STATE_HOME:-$HOME/.local/state}/slipway/<project>`, or the
/// `--state-dir` / `SLIPWAY_STATE_DIR` override, always mode 0700 because it
/// holds logs that may contain secrets.
public struct StateDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `override` is `--state-dir`; it wins over `SLIPWAY_STATE_DIR`, which
    /// wins over the XDG location.
    public static func resolve(project: String, override: String?, environment: [String: String]) -> StateDirectory {
        if let override, !override.isEmpty { return StateDirectory(path: absolute(override)) }
        if let variable = environment["SLIPWAY_STATE_DIR"], !variable.isEmpty {
            return StateDirectory(path: absolute(variable))
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/state"
        return StateDirectory(path: "\(base)/slipway/\(project)")
    }

    public var logsDirectory: String { "\(path)/logs" }
    public var processesDirectory: String { "\(path)/processes" }

    public func logFile(service: String) -> String { "\(logsDirectory)/\(service).log" }

    /// The project's deployment history; `down` leaves it in place.
    public var deploymentLogPath: String { "\(path)/\(DeploymentLog.fileName)" }

    /// Named volumes: `volumes/<name>`, kept by `down`, removed by `down -v`.
    public var volumesDirectory: String { "\(path)/volumes" }
    public func volumePath(_ name: String) -> String { "\(volumesDirectory)/\(name)" }
    /// `data/<service>`: `SLIPWAY_DATA_DIR`, and an adapter's data path no mount covers.
    public var dataDirectory: String { "\(path)/data" }
    /// `images/<service>`: an adapter's generated configuration, sockets and
    /// client wrappers; runtime state, removed by `down`.
    public var imagesDirectory: String { "\(path)/images" }

    /// What `down -v` removes: every named volume and every service's data
    /// directory (docker's named and anonymous volumes).
    public func removeVolumes() {
        for directory in [volumesDirectory, dataDirectory] {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Creates the directory tree, or takes over an existing one only when it
    /// is trustworthy: owned by the user running Slipway and writable by no
    /// one else, with no symbolic link among its directories. Anyone else who
    /// could write there could redirect a log (secrets included) or a record
    /// to a file of their choosing. Then every directory gets mode 0700 (the
    /// data directory's search bit is `ServiceDataDirectory`'s business).
    public func prepare() throws(StateDirectoryError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StateDirectoryError(path: path, reason: error.localizedDescription)
        }
        try StateDirectoryTrust.check(path, followLink: true, in: self)
        try setMode(path, 0o700)
        for directory in [logsDirectory, processesDirectory] {
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw StateDirectoryError(path: path, reason: "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
            try StateDirectoryTrust.check(directory, followLink: false, in: self)
            try setMode(directory, 0o700)
        }
        if Self.exists(dataDirectory) {
            try StateDirectoryTrust.check(dataDirectory, followLink: false, in: self)
        }
    }

    /// The checks of `prepare()` on an existing state directory, creating
    /// nothing: what `down` runs before it reads process records (a planted
    /// one would name a process to kill) or removes logs.
    public func checkTrusted() throws(StateDirectoryError) {
        try StateDirectoryTrust.check(path, followLink: true, in: self)
        for directory in [logsDirectory, processesDirectory, dataDirectory] where Self.exists(directory) {
            try StateDirectoryTrust.check(directory, followLink: false, in: self)
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private func setMode(_ directory: String, _ mode: mode_t) throws(StateDirectoryError) {
        guard chmod(directory, mode) == 0 else {
            throw StateDirectoryError(path: path, reason: "cannot set the mode of \(directory): \(String(cString: strerror(errno)))")
        }
    }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

public struct StateDirectoryError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot use state directory \(path): \(reason)" }
}
