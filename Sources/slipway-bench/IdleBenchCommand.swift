import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench idle`: what a background supervisor costs once its
/// services are healthy: CPU (% of one core) and wake-ups per second over a
/// window, with N services probed over HTTP at their compose `interval`.
struct IdleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "The supervisor's CPU and wake-ups per second with N healthy services."
    )

    @Option(help: "Services in the generated stack (instantly-ready HTTP servers with a health_path).")
    var services = 50

    @Option(help: "Their healthcheck interval in seconds (compose's default is 30).")
    var interval = 30

    @Option(help: "Seconds measured, after everything is healthy.")
    var window = 30

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    mutating func run() async throws {
        let directory = NSTemporaryDirectory() + "slipway-idle-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try compose().write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let binary = slipway ?? SupervisorRSSBenchCommand.siblingSlipway()
        let common = ["-f", directory + "/compose.yaml", "--state-dir", directory + "/state"]
        defer { _ = try? SilentRun.status(binary, common + ["down"]) }
        guard try SilentRun.status(binary, common + ["up", "-d", "--wait", "--wait-timeout", "120"]) == 0 else {
            throw ValidationError("slipway up -d --wait failed")
        }
        guard let pid = BringUpRunner.supervisorPid(stateDirectory: directory + "/state") else {
            throw ValidationError("the background supervisor was not found")
        }
        // The last probes of the bring-up and the first `ps` are over by then.
        try await Task.sleep(for: .seconds(2))
        let before = IdleSample(pid: pid)
        try await Task.sleep(for: .seconds(window))
        let after = IdleSample(pid: pid)
        let seconds = Double(after.at - before.at) / 1e9
        let cpu = Double(after.cpuTicks - before.cpuTicks) / Double(sysconf(Int32(_SC_CLK_TCK))) / seconds * 100
        let switches = after.switches.reduce(0) { total, thread in total + thread.value - (before.switches[thread.key] ?? 0) }
        let wakeups = Double(switches) / seconds
        print("""
            background supervisor, \(services) healthy services probed over HTTP every \(interval) s, \(window) s window
            CPU                      \(String(format: "%.3f", cpu)) % of one core (goal < 0.5 %; \(after.cpuTicks - before.cpuTicks) ticks of 1/\(sysconf(Int32(_SC_CLK_TCK))) s)
            wake-ups                 \(String(format: "%.1f", wakeups)) /s (context switches of its \(after.switches.count) threads alive at the end; threads that ended within the window, such as each probe's, are not counted)
            probes expected          \(String(format: "%.1f", Double(services) / Double(interval))) /s
            """)
    }

    private func compose() -> String {
        let server = BringUpBenchCommand.instantServer()
        var text = "services:\n"
        for index in 0..<services {
            text += "  s\(index):\n    command: [\"\(server)\"]\n    expose: [\"8000\"]\n"
            text += "    healthcheck: {interval: \(interval)s}\n    x-slipway: {health_path: /}\n"
        }
        return text
    }
}

/// A process's CPU ticks (all threads, ended ones included) and the context
/// switches of each live thread, at one instant.
private struct IdleSample {
    var at = MonotonicClock.nanoseconds()
    var cpuTicks = 0
    /// Voluntary plus involuntary context switches, by thread id.
    var switches: [String: Int] = [:]

    init(pid: Int32) {
        if let stat = ProxyProcessStat.read(pid: pid) { cpuTicks = stat.userTicks + stat.systemTicks }
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
            switches[task] = status.split(separator: "\n")
                .filter { $0.hasPrefix("voluntary_ctxt_switches:") || $0.hasPrefix("nonvoluntary_ctxt_switches:") }
                .compactMap { $0.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
                .reduce(0, +)
        }
    }
}
