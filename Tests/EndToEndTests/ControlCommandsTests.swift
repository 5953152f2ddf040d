import Foundation
import Glibc
import Testing

/// `ps`, `stop`, `start`, `restart`, `kill`, `down` against a detached supervisor.
@Suite("control commands")
struct ControlCommandsTests {
    @Test func stopStartRestartAndKillChangeWhatPsShows() async throws {
        try await withStack("""
            services:
              app:
                command: sh -c 'echo app started; exec sleep 1000'
                stop_grace_period: 2s
            """) { stack in
            let up = try await stack.run(["up", "-d"])
            let firstPid = try await stack.psRecords()["app"]?["Pid"] as? Int
            let stop = try await stack.run(["stop", "app"])
            let stopped = try await stack.psRecords()["app"]
            let listedAfterStop = try await stack.run(["ps"])
            let start = try await stack.run(["start"])
            let startedPid = try await stack.psRecords()["app"]?["Pid"] as? Int
            let restart = try await stack.run(["restart", "app", "--timeout", "1"])
            let restartedPid = try await stack.psRecords()["app"]?["Pid"] as? Int
            let kill = try await stack.run(["kill", "-s", "SIGKILL", "app"])
            let exited = try await stack.waitForState("app", "exited")
            let killed = try await stack.psRecords()["app"]
            let down = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(stop.status == 0 && stop.errors.contains("Stopped"), "\(stop.errors)")
            #expect(stopped?["State"] as? String == "stopped")
            #expect(stopped?["Pid"] as? Int == 0)
            #expect(!listedAfterStop.output.contains("app-1"), "ps without -a lists live instances only")
            #expect(start.status == 0 && start.errors.contains("Started"), "\(start.errors)")
            #expect(startedPid != nil && startedPid != firstPid)
            #expect(restart.status == 0 && restart.errors.contains("Restarted"), "\(restart.errors)")
            #expect(restartedPid != nil && restartedPid != startedPid)
            #expect(kill.status == 0 && kill.errors.contains("Killed"), "\(kill.errors)")
            #expect(exited)
            #expect(killed?["ExitCode"] as? Int == 137)
            #expect(down.status == 0)
        }
    }

    @Test func anUnknownServiceIsRefusedByName() async throws {
        try await withStack("""
            services:
              app:
                command: sleep 1000
            """) { stack in
            _ = try await stack.run(["up", "-d"])
            let stop = try await stack.run(["stop", "cache"])
            _ = try await stack.run(["down"])

            #expect(stop.status == 1)
            #expect(stop.errors.contains("no such service: cache"), "\(stop.errors)")
        }
    }

    @Test func withoutASupervisorEveryControlCommandSaysSo() async throws {
        try await withStack("""
            services:
              app:
                command: sleep 1000
            """) { stack in
            for command in [["ps"], ["start"], ["restart"], ["kill"]] {
                let result = try await stack.run(command)
                #expect(result.status == 1, "\(command)")
                #expect(result.errors.contains("no supervisor is running for project"), "\(command): \(result.errors)")
            }
        }
    }

    /// As docker compose: stopping what is not running is not a failure.
    @Test func stopAndDownOnAProjectNotRunningExitZeroAndSaySo() async throws {
        try await withStack("""
            services:
              app:
                command: sleep 1000
            """) { stack in
            for command in [["stop"], ["stop", "app"], ["down"]] {
                let result = try await stack.run(command)
                #expect(result.status == 0, "\(command)")
                #expect(result.errors.contains("is not running"), "\(command): \(result.errors)")
                #expect(result.errors.contains("nothing to stop"), "\(command): \(result.errors)")
            }
        }
    }

    @Test func psFormatJSONPrintsOneObjectPerLine() async throws {
        try await withStack("""
            services:
              app:
                command: sleep 1000
              worker:
                command: sleep 1000
            """) { stack in
            let up = try await stack.run(["up", "-d"])
            let ps = try await stack.run(["ps", "--format", "json"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(ps.status == 0, "\(ps.errors)")
            let lines = ps.output.split(separator: "\n")
            #expect(lines.count == 2, "\(ps.output)")
            let services = lines.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["Service"] as? String
            }
            #expect(services.sorted() == ["app", "worker"])
        }
    }

    @Test func downRemovesRuntimeStateButKeepsDataDirectories() async throws {
        try await withStack("""
            services:
              app:
                command: sh -c 'echo kept > "$$SLIPWAY_DATA_DIR/file"; echo hello; exec sleep 1000'
            """) { stack in
            _ = try await stack.run(["up", "-d"])
            let logged = await eventually { stack.log("app").contains("hello") }
            let down = try await stack.run(["down"])
            let fileManager = FileManager.default

            #expect(logged)
            #expect(down.status == 0 && down.errors.contains("Removed"), "\(down.errors)")
            #expect(!fileManager.fileExists(atPath: stack.stateDirectory + "/logs"))
            #expect(!fileManager.fileExists(atPath: stack.stateDirectory + "/control.sock"))
            #expect(fileManager.fileExists(atPath: stack.stateDirectory + "/data/app/file"))
            #expect(stack.processes().isEmpty)
        }
    }
}
