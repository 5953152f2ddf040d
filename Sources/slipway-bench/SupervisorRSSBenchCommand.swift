import ArgumentParser
import Foundation
import Glibc

/// `slipway-bench up-rss`: the supervisor's resident memory with N services
/// running (each behind a stable proxy endpoint and a health check), and how
/// long `slipway up` took to see them all healthy.
struct SupervisorRSSBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up-rss",
        abstract: "Supervisor RSS with N services running, measured on the real `slipway up`."
    )

    @Option(help: "Services in the generated stack (waves of 5, each waiting for the previous wave to be healthy).")
    var services = 50

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    mutating func run() async throws {
        let directory = NSTemporaryDirectory() + "slipway-up-rss-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.compose(services: services).write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)

        let up = Process()
        up.executableURL = URL(fileURLWithPath: slipway ?? Self.siblingSlipway())
        up.arguments = ["-f", directory + "/compose.yaml", "--state-dir", directory + "/state", "up"]
        up.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        let output = Pipe()
        up.standardOutput = output
        up.standardError = FileHandle.standardError
        let started = ContinuousClock.now
        try up.run()
        defer {
            kill(up.processIdentifier, SIGINT)
            up.waitUntilExit()
        }
        let healthy = Self.waitForHealthy(count: services, reading: output.fileHandleForReading)
        let bringUp = ContinuousClock.now - started
        guard healthy else { throw ValidationError("slipway up did not report \(services) healthy services") }
        // Let the health checks settle into their interval before sampling.
        try await Task.sleep(for: .seconds(2))
        let rss = Self.memory("Rss", of: up.processIdentifier)
        let shims = Self.children(of: up.processIdentifier)
        let shimPrivate = shims.compactMap { Self.memory("Private_Dirty", of: $0) }.reduce(0, +)
        print("""
            supervisor RSS with \(services) services running: \(rss.map { "\($0 / 1024) MiB (\($0) kB)" } ?? "unknown")
            \(shims.count) shims, private memory together: \(shimPrivate / 1024) MiB (\(shimPrivate / max(shims.count, 1)) kB each)
            bring-up to all healthy (\(services / 5) waves of 5, service_healthy): \(Self.milliseconds(bringUp)) ms
            """)
    }

    static func compose(services: Int) -> String {
        var text = "services:\n"
        for index in 0..<services {
            text += """
                  s\(index):
                    command: ["sleep", "100000"]
                    expose: ["8000"]
                    healthcheck:
                      test: ["CMD", "true"]
                      interval: 5s

                """
            if index >= 5 {
                text += "    depends_on:\n"
                for dependency in (index / 5 - 1) * 5..<(index / 5) * 5 {
                    text += "      s\(dependency): {condition: service_healthy}\n"
                }
            }
        }
        return text
    }

    /// Reads progress lines until `count` services are healthy (or output ends).
    static func waitForHealthy(count: Int, reading handle: FileHandle) -> Bool {
        var text = ""
        while true {
            let data = handle.availableData
            guard !data.isEmpty else { return false }
            text += String(decoding: data, as: UTF8.self)
            if text.components(separatedBy: " Healthy ").count - 1 >= count { return true }
        }
    }

    /// A field of /proc/PID/smaps_rollup, in kB.
    static func memory(_ field: String, of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }
    }

    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
    }

    static func siblingSlipway() -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("slipway").path
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
