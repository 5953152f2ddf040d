import Foundation
import SlipwayRuntime

/// One line of `ps --format json`, with docker compose's field names so
/// scripts written against `docker compose ps --format json` keep working.
public struct ComposePsRecord: Encodable, Equatable, Sendable {
    public struct Publisher: Encodable, Equatable, Sendable {
        var URL: String
        var TargetPort: Int
        var PublishedPort: Int
        var `Protocol`: String
    }

    var Name: String
    var Service: String
    var Project: String
    var Command: String
    var State: String
    var Health: String
    var ExitCode: Int32
    var Pid: Int32
    var Publishers: [Publisher]
    /// docker's human summary: `Up 2m10s (healthy)`, `Exited (1)`.
    var Status: String
    /// RFC 3339, empty when never started.
    var StartedAt: String
    var RestartCount: Int

    public init(_ instance: InstanceStatus, project: String, now: Date) {
        Name = instance.name
        Service = instance.service
        Project = project
        Command = instance.command
        State = instance.state.rawValue
        Health = instance.health?.rawValue ?? ""
        ExitCode = instance.exitCode
        Pid = instance.pid ?? 0
        Publishers = instance.publishers.map {
            Publisher(URL: $0.url, TargetPort: $0.targetPort, PublishedPort: $0.publishedPort, Protocol: $0.protocol)
        }
        Status = Self.status(instance, now: now)
        StartedAt = instance.startedAt.map { LogTimestamp($0).description } ?? ""
        RestartCount = instance.restartCount
    }

    /// What `ps --format json` prints: one JSON object per line, one line per instance, as
    /// docker compose has since 2.21 (nothing at all when no instance is listed).
    public static func jsonLines(_ instances: [InstanceStatus], project: String, now: Date) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try instances.map { String(decoding: try encoder.encode(ComposePsRecord($0, project: project, now: now)), as: UTF8.self) }
    }

    private static func status(_ instance: InstanceStatus, now: Date) -> String {
        switch instance.state {
        case .created: return "Created"
        case .restarting: return "Restarting (\(instance.restartCount))"
        case .exited: return "Exited (\(instance.exitCode))"
        case .stopped: return "Stopped"
        case .starting, .running:
            let up = StatusTable.uptime(instance, now: now).map { "Up \(UptimeText.compact($0))" } ?? "Up"
            switch instance.health {
            case nil: return up
            case .starting: return up + " (health: starting)"
            case .some(let health): return up + " (\(health.rawValue))"
            }
        }
    }
}
