import Foundation
import Glibc
import SlipwayTestSupport
import Synchronization
import Testing

@testable import SlipwayRuntime

/// The built `slipway` binary run as a child process, its output collected
/// as it arrives; waiting never blocks a thread of the test's task pool.
final class SlipwayRun: Sendable {
    private let process: ChildProcess
    private let out: CapturedOutput
    private let err: CapturedOutput

    /// `launcher` runs the binary through another program first (`setpriv` to run as another user).
    init(_ arguments: [String], home: String, environment: [String: String] = [:], launcher: [String] = []) throws {
        let out = try CapturedOutput()
        let err = try CapturedOutput()
        defer {
            out.childStarted()
            err.childStarted()
        }
        self.out = out
        self.err = err
        process = try ChildProcess(
            launcher.first ?? BuiltBinary.slipway,
            launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [BuiltBinary.slipway] + arguments,
            environment: ["PATH": "/usr/bin:/bin", "HOME": home].merging(environment) { $1 },
            stdout: out.writeEnd, stderr: err.writeEnd)
    }

    var stdout: String { out.text }
    var stderr: String { err.text }

    /// The exit status once the process ends and its pipes are drained; nil
    /// (after killing it) when it is still running at the deadline.
    func exitCode(within deadline: Duration = .seconds(60)) async -> Int32? {
        let ended = await eventually(within: deadline) { !self.process.isRunning }
        guard ended else {
            process.signal(SIGTERM)
            return nil
        }
        _ = await eventually(within: .seconds(15)) { self.out.closed && self.err.closed }
        return process.terminationStatus
    }

    static func run(
        _ arguments: [String], home: String, environment: [String: String] = [:], launcher: [String] = []
    ) async throws -> (code: Int32?, stdout: String, stderr: String) {
        let run = try SlipwayRun(arguments, home: home, environment: environment, launcher: launcher)
        let code = await run.exitCode()
        return (code, run.stdout, run.stderr)
    }
}

@Suite("slipway ps, stop, start, restart, kill, down and logs: the built binary against a real socket")
struct ControlCommandLineTests {
    @Test("ps prints the table and docker compose JSON lines; -p and --state-dir work before the subcommand")
    func ps() async throws {
        try await ServedProject.serving { served async throws in
            served.project.update("web") {
                $0.health = .healthy
                $0.publishers = [PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003)]
            }
            served.project.update("db") { $0.state = .exited; $0.exitCode = 1; $0.pid = nil }
            let state = served.endpoint.stateDirectory.path

            let table = try await SlipwayRun.run(["-p", "demo", "--state-dir", state, "ps"], home: served.directory.path)
            #expect(table.code == 0)
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("NAME") == true)
            #expect(lines.last?.contains("demo-web-1") == true)
            #expect(lines.last?.contains("127.0.0.1:8003->8000/tcp") == true)

            let json = try await SlipwayRun.run(["ps", "-a", "--format", "json", "-p", "demo", "--state-dir", state], home: served.directory.path)
            #expect(json.code == 0)
            let records = try json.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(records.map { $0["Service"] as? String } == ["db", "web"])
            #expect(records.first?["State"] as? String == "exited")
            #expect(records.first?["ExitCode"] as? Int == 1)
            #expect(records.last?["Health"] as? String == "healthy")
        }
    }

    @Test("stop, start, restart and kill print one line per instance; an unknown service exits 1 with its name")
    func actions() async throws {
        try await ServedProject.serving { served async throws in
            let project = ["-p", "demo", "--state-dir", served.endpoint.stateDirectory.path]
            let home = served.directory.path

            let stop = try await SlipwayRun.run(["stop", "-t", "3", "web"] + project, home: home)
            #expect(stop.code == 0)
            #expect(stop.stderr == " ✔ demo-web-1  Stopped\n")
            let start = try await SlipwayRun.run(["start"] + project, home: home)
            #expect(start.stderr.contains("✔ demo-db-1   Started"))
            let restart = try await SlipwayRun.run(["restart", "db"] + project, home: home)
            #expect(restart.stderr == " ✔ demo-db-1  Restarted\n")
            let kill = try await SlipwayRun.run(["kill", "-s", "TERM", "db"] + project, home: home)
            #expect(kill.stderr == " ✔ demo-db-1  Killed\n")
            let unknown = try await SlipwayRun.run(["stop", "cache"] + project, home: home)
            #expect(unknown.code == 1)
            #expect(unknown.stderr == "error: no such service: cache\n")

            #expect(served.project.requests.filter { if case .status = $0 { false } else { true } } == [
                .stop(services: ["web"], timeout: .seconds(3)), .start(services: []), .restart(services: ["db"], timeout: nil),
                .kill(services: ["db"], signal: SIGTERM), .stop(services: ["cache"], timeout: nil),
            ])
        }
    }

    @Test("without a supervisor every control command says so and exits 1, stop and down 0; a bad signal is a usage error")
    func noSupervisor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path + "/state"
        let project = ["-p", "shop", "--state-dir", state]
        for command in [["ps"], ["start"], ["restart", "web"], ["kill"]] {
            let run = try await SlipwayRun.run(command + project, home: directory.path)
            #expect(run.code == 1, "\(command)")
            #expect(run.stderr.hasPrefix("error: no supervisor is running for project shop (state directory \(state))"), "\(command)")
        }
        for command in [["stop"], ["down"]] {
            let run = try await SlipwayRun.run(command + project, home: directory.path)
            #expect(run.code == 0, "\(command)")
            #expect(run.stderr == "project shop is not running (state directory \(state)); nothing to stop\n", "\(command)")
        }
        let badSignal = try await SlipwayRun.run(["kill", "-s", "SIGNOPE"] + project, home: directory.path)
        #expect(badSignal.code == 2)
    }

    @Test("logs reads the files without a supervisor: merged, --tail, --since, -t, plain when not a terminal")
    func logs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        let db = try LogRecordWriter(path: state.logFile(service: "db"))
        let web = try LogRecordWriter(path: state.logFile(service: "web"))
        let base = LogTimestamp(seconds: 1_764_178_000)
        db.append("db one", stream: .out, at: base)
        web.append("web one", stream: .err, at: base.adding(nanoseconds: 1_000_000_000))
        db.append("db two", stream: .out, at: base.adding(nanoseconds: 2_000_000_000))
        let project = ["-p", "demo", "--state-dir", state.path]

        let all = try await SlipwayRun.run(["logs"] + project, home: directory.path)
        #expect(all.code == 0)
        #expect(all.stdout == "db   | db one\nweb  | web one\ndb   | db two\n")
        let tail = try await SlipwayRun.run(["logs", "--tail", "1", "-t"] + project, home: directory.path)
        #expect(tail.stdout == "web  | 2025-11-26T17:26:41.000000000Z web one\ndb   | 2025-11-26T17:26:42.000000000Z db two\n")
        let since = try await SlipwayRun.run(["logs", "--since", "1764178001", "db"] + project, home: directory.path)
        #expect(since.stdout == "db   | db two\n")
        let missing = try await SlipwayRun.run(["logs", "cache"] + project, home: directory.path)
        #expect(missing.code == 1)
        #expect(missing.stderr.hasPrefix("error: no logs for service cache"))
    }

    @Test("logs as a user who may not read them says they cannot be read and whose they are, and exits 1")
    func unreadableLogs() async throws {
        let directory = try TemporaryDirectory()
        let state = StateDirectory(path: directory.path + "/state")
        try state.prepare()
        defer {
            chmod(state.path, 0o700)
            directory.remove()
        }
        try LogRecordWriter(path: state.logFile(service: "db")).append("secret", stream: .out)
        var launcher: [String] = []
        if geteuid() == 0 {
            launcher = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        } else {
            #expect(chmod(state.path, 0) == 0)
        }
        let project = ["-p", "demo", "--state-dir", state.path]
        let named = try await SlipwayRun.run(["logs", "db"] + project, home: directory.path, launcher: launcher)
        #expect(named.code == 1)
        #expect(named.stderr.hasPrefix("error: cannot read the logs of service db: \(state.logFile(service: "db")): permission denied: \(state.path) belongs to "), "\(named.stderr)")
        #expect(!named.stderr.contains("does not exist"))
        let all = try await SlipwayRun.run(["logs"] + project, home: directory.path, launcher: launcher)
        #expect(all.code == 1)
        #expect(all.stderr.hasPrefix("error: cannot read the logs of project demo: \(state.logsDirectory): permission denied"), "\(all.stderr)")
        #expect(all.stdout.isEmpty)
    }

    @Test("logs -f shows new lines as they are written and ends when the supervisor goes away")
    func follow() async throws {
        try await ServedProject.serving { served async throws in
            let state = served.endpoint.stateDirectory
            let web = try LogRecordWriter(path: state.logFile(service: "web"))
            web.append("before", stream: .out)
            let following = try SlipwayRun(["logs", "-f", "-p", "demo", "--state-dir", state.path], home: served.directory.path)
            #expect(await eventually { following.stdout.contains("web  | before\n") })
            web.append("after", stream: .out)
            #expect(await eventually { following.stdout.contains("web  | after\n") })
            await served.server.shutdown()
            #expect(await following.exitCode() == 0)
            #expect(following.stdout == "web  | before\nweb  | after\n")
        }
    }
}
