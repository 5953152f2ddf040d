import ArgumentParser
import Foundation
import Glibc
import SlipwayRuntime

/// One timed `slipway up -d --wait` of a generated stack, then its `down`.
struct BringUpRunner {
    let slipway: String
    /// The program every service runs (`slipway-bench-http-ok`).
    let server: String
    let directory: String

    struct Result {
        var wall: Duration
        /// The background supervisor's RSS in kB, read before `down`.
        var supervisorRSS: Int?
        /// The first service's launch to its first successful probe, from
        /// the notes in its log file (`Starting` … `Healthy`).
        var startToHealthy: Duration?
    }

    func time(waves: Int, width: Int) throws -> Result {
        let stack = directory + "/stack-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stack, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: stack) }
        try compose(waves: waves, width: width).write(toFile: stack + "/compose.yaml", atomically: true, encoding: .utf8)
        let common = ["-f", stack + "/compose.yaml", "--state-dir", stack + "/state"]
        let started = ContinuousClock.now
        let status = try SilentRun.status(slipway, common + ["up", "-d", "--wait", "--wait-timeout", "120"])
        let wall = ContinuousClock.now - started
        let rss = Self.supervisorPid(stateDirectory: stack + "/state").flatMap { SupervisorRSSBenchCommand.memory("Rss", of: $0) }
        let startToHealthy = Self.startToHealthy(log: stack + "/state/logs/w0s0.log")
        _ = try SilentRun.status(slipway, common + ["down"])
        guard status == 0 else { throw ValidationError("slipway up -d --wait exited \(status) on a \(waves)×\(width) stack") }
        return Result(wall: wall, supervisorRSS: rss, startToHealthy: startToHealthy)
    }

    private static func startToHealthy(log path: String) -> Duration? {
        let records = LogReader.last(50, of: LogSource(service: "w0s0", path: path))
        guard let starting = records.first(where: { $0.text.hasSuffix("  Starting") })?.timestamp,
              let healthy = records.first(where: { $0.text.contains("  Healthy") })?.timestamp
        else { return nil }
        return .seconds(healthy.seconds - starting.seconds) + .nanoseconds(Int64(healthy.nanoseconds) - Int64(starting.nanoseconds))
    }

    func compose(waves: Int, width: Int) -> String {
        var text = "services:\n"
        for wave in 0..<waves {
            for index in 0..<width {
                text += "  w\(wave)s\(index):\n    command: [\"\(server)\"]\n    expose: [\"8000\"]\n"
                text += "    x-slipway: {health_path: /}\n"
                guard wave > 0 else { continue }
                text += "    depends_on:\n"
                for dependency in 0..<width { text += "      w\(wave - 1)s\(dependency): {condition: service_healthy}\n" }
            }
        }
        return text
    }

    /// The process running `slipway up --detached-supervisor` for this state directory.
    static func supervisorPid(stateDirectory: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).first { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.contains("--detached-supervisor") && arguments.contains(stateDirectory)
        }
    }
}
