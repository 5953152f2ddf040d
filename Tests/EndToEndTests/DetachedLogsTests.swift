import Foundation
import Glibc
import Testing

/// `logs` on a detached stack: the supervisor writes timestamped records,
/// `logs` reads them with `-f`, `--tail`, `--since` and `-t`.
@Suite("logs of a detached stack")
struct DetachedLogsTests {
    static let ticker = """
        services:
          ticker:
            command: sh -c 'echo to stderr >&2; i=0; while true; do echo "tick $$i"; i=$$((i+1)); sleep 0.1; done'
        """

    @Test func tailShowsTheLastRecordsAndTimestampsOnRequest() async throws {
        try await withStack(Self.ticker) { stack in
            _ = try await stack.run(["up", "-d"])
            _ = await eventually { stack.log("ticker").contains("tick 5") }
            let tail = try await stack.run(["logs", "--tail", "2", "--no-color", "-t", "ticker"])
            let all = try await stack.run(["logs", "--no-color"])
            _ = try await stack.run(["down"])

            let lines = tail.output.split(separator: "\n")
            #expect(tail.status == 0, "\(tail.errors)")
            #expect(lines.count == 2, "\(tail.output)")
            #expect(lines.allSatisfy { $0.hasPrefix("ticker  | 20") && $0.contains("Z tick ") }, "\(tail.output)")
            #expect(all.output.contains("ticker  | to stderr"), "\(all.output)")
            #expect(all.output.contains("ticker  | tick 0"))
        }
    }

    @Test func sinceKeepsOnlyLaterRecords() async throws {
        try await withStack(Self.ticker) { stack in
            _ = try await stack.run(["up", "-d"])
            _ = await eventually { stack.log("ticker").contains("tick 2") }
            let cut = Date().timeIntervalSince1970
            _ = await eventually { stack.log("ticker").contains("tick 8") }
            let since = try await stack.run(["logs", "--no-color", "--since", String(format: "%.3f", cut)])
            let recent = try await stack.run(["logs", "--no-color", "--since", "1h"])
            _ = try await stack.run(["down"])

            #expect(since.status == 0, "\(since.errors)")
            #expect(!since.output.contains("tick 0\n") && !since.output.contains("to stderr"), "\(since.output)")
            #expect(since.output.contains("tick 8"))
            #expect(recent.output.contains("tick 0"))
        }
    }

    @Test func followShowsNewLinesAndEndsWithTheSupervisor() async throws {
        try await withStack(Self.ticker) { stack in
            _ = try await stack.run(["up", "-d"])
            let follow = try stack.start(["logs", "-f", "--no-color", "--tail", "1"])
            let first = await follow.waitForOutput("tick ")
            let startLine = follow.output.split(separator: "\n").first.map(String.init) ?? ""
            let later = await eventually(within: .seconds(30)) { follow.output.split(separator: "\n").count >= 4 }
            _ = try await stack.run(["down"])
            let ended = await follow.waitForExit(within: .seconds(15))
            await follow.cleanUp()

            #expect(first && later, "\(follow.output)")
            #expect(startLine.hasPrefix("ticker  | tick "), "\(startLine)")
            #expect(ended == 0)
        }
    }

    @Test func aGlobalFileOptionBeforeLogsNamesTheComposeFile() async throws {
        try await withStack(Self.ticker) { stack in
            _ = try await stack.run(["up", "-d"])
            _ = await eventually { stack.log("ticker").contains("tick 1") }
            // SlipwayProcess writes `-f FILE` before the subcommand: the case at hand.
            let logs = try await stack.run(["logs", "--no-color", "--tail", "1"])
            _ = try await stack.run(["down"])

            #expect(logs.status == 0, "\(logs.errors)")
            #expect(logs.output.hasPrefix("ticker  | tick "), "\(logs.output)")
        }
    }
}
