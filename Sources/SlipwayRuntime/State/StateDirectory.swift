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

    /// Creates the directory tree; the project directory itself is 0700.
    public func prepare() throws(StateDirectoryError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard chmod(path, 0o700) == 0 else { throw StateDirectoryError(path: path, reason: String(cString: strerror(errno))) }
            for directory in [logsDirectory, processesDirectory] {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        } catch let error as StateDirectoryError {
            throw error
        } catch {
            throw StateDirectoryError(path: path, reason: error.localizedDescription)
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
