import ArgumentParser
import Foundation
import Glibc
import SlipwayRuntime

/// `slipway-bench harden`: what the supervisor keeps after abuse that used to
/// grow it: its RSS and open descriptors before and after N control
/// connections, and after a service floods its log; the log's size on disk
/// after the flood under the default cap, beside docker's `local` driver cap.
struct HardenBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harden",
        abstract: "Supervisor RSS and descriptors after many control connections and a log flood; the log's size on disk."
    )

    @Option(help: "Control connections to open, one request each.")
    var connections = 10_000

    @Option(help: "Rounds of connections: growth in the first alone is the allocator's high-water mark; a leak grows in every round.")
    var rounds = 2

    @Option(help: "Megabytes the flooding service writes to its output.")
    var floodMegabytes = 200

    @Option(help: "The slipway binary (default: the one next to slipway-bench).")
    var slipway: String?

    mutating func run() async throws {
        let directory = NSTemporaryDirectory() + "slipway-harden-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trigger = directory + "/go"
        try compose(trigger: trigger).write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let state = StateDirectory(path: directory + "/state")

        let up = Process()
        up.executableURL = URL(fileURLWithPath: slipway ?? SupervisorRSSBenchCommand.siblingSlipway())
        up.arguments = ["-f", directory + "/compose.yaml", "-p", "harden", "--state-dir", state.path, "up"]
        up.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        let output = Pipe()
        up.standardOutput = output
        up.standardError = FileHandle.standardError
        try up.run()
        defer {
            kill(up.processIdentifier, SIGINT)
            up.waitUntilExit()
        }
        guard SupervisorRSSBenchCommand.waitForHealthy(count: 2, reading: output.fileHandleForReading) else {
            throw ValidationError("slipway up did not report its 2 services healthy")
        }
        // Later progress lines must not fill the pipe and block the supervisor.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        let supervisor = up.processIdentifier
        try await Task.sleep(for: .seconds(1))
        let start = Sample(of: supervisor)

        let client = ControlClient(endpoint: ControlEndpoint(project: "harden", stateDirectory: state))
        var measured: [(sample: Sample, failed: Int, took: Duration)] = []
        for _ in 0..<rounds {
            let began = ContinuousClock.now
            let failed = await Self.connect(connections, client)
            let took = ContinuousClock.now - began
            try await Task.sleep(for: .seconds(1))
            measured.append((Sample(of: supervisor), failed, took))
        }

        _ = FileManager.default.createFile(atPath: trigger, contents: nil)
        let log = state.logFile(service: "flood")
        let flooded = await Self.waitForLine("flood-done", in: log, within: .seconds(600))
        let afterFlood = Sample(of: supervisor)
        let onDisk = Self.bytesOnDisk(state.logsDirectory, prefix: "flood.log")

        let rows = [("at start", start, "")] + measured.enumerated().map { index, round in
            ("after \(index == 0 ? "" : "another ")\(connections) control connections", round.sample,
             "\(round.failed) failed, \(SupervisorRSSBenchCommand.milliseconds(round.took)) ms")
        } + [("after a \(floodMegabytes) MB log flood", afterFlood, flooded ? "" : "the flood did not finish in 600 s")]
        print("supervisor".padding(toLength: 44, withPad: " ", startingAt: 0) + "RSS        open fds")
        for (label, sample, note) in rows {
            print(label.padding(toLength: 44, withPad: " ", startingAt: 0) + "\(sample)" + (note.isEmpty ? "" : "   (\(note))"))
        }
        print("""
            flood log on disk, default cap              \(onDisk / 1_048_576) MiB in \(Self.files(state.logsDirectory, prefix: "flood.log")) files
            docker local driver's cap (peer)            100 MiB in 5 files of 20 MiB
            """)
    }

    /// `count` status requests, 50 connections at a time; returns how many failed.
    private static func connect(_ count: Int, _ client: ControlClient) async -> Int {
        var failed = 0
        for _ in 0..<(count / 50) {
            failed += await withTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { (try? await client.status()) == nil ? 1 : 0 } }
                return await group.reduce(0, +)
            }
        }
        return failed
    }

    private func compose(trigger: String) -> String {
        // 200-byte lines: `fold` splits the flood so each becomes one record.
        """
        services:
          idle:
            command: ["sleep", "100000"]
            healthcheck: {test: ["CMD", "true"], interval: 1s}
          flood:
            command: ["sh", "-c", "while [ ! -f \(trigger) ]; do sleep 0.1; done; head -c \(floodMegabytes * 1_000_000) /dev/zero | tr '\\\\0' x | fold -w 199; echo; echo flood-done; exec sleep 100000"]
            healthcheck: {test: ["CMD", "true"], interval: 1s}

        """
    }

    /// RSS and open descriptors of a process, from /proc.
    struct Sample: CustomStringConvertible {
        var rssKilobytes: Int?
        var descriptors: Int

        init(of pid: Int32) {
            rssKilobytes = SupervisorRSSBenchCommand.memory("Rss", of: pid)
            descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
        }

        var description: String {
            let rss = rssKilobytes.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "unknown"
            return rss.padding(toLength: 11, withPad: " ", startingAt: 0) + String(descriptors)
        }
    }

    /// Polls the end of the log until a record ends with `text`.
    static func waitForLine(_ text: String, in path: String, within deadline: Duration) async -> Bool {
        let end = ContinuousClock.now + deadline
        let source = LogSource(service: "flood", path: path)
        while ContinuousClock.now < end {
            if LogReader.last(3, of: source).contains(where: { $0.text == text }) { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func bytesOnDisk(_ directory: String, prefix: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.reduce(0) { total, name in
            var info = stat()
            return total + (stat("\(directory)/\(name)", &info) == 0 ? Int(info.st_blocks) * 512 : 0)
        }
    }

    static func files(_ directory: String, prefix: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }.count
    }
}
