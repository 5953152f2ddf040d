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

    /// Writes a fixed set of lines, then stays, so what `logs` shows is known.
    static let writer = """
        services:
          writer:
            command: sh -c 'echo to stderr >&2; sleep 0.3; for i in 1 2 3 4 5; do echo "line $$i"; sleep 0.05; done; exec sleep 1000'
        """

    @Test func tailShowsTheLastRecordsAndTimestampsOnRequest() async throws {
        try await withStack(Self.writer) { stack in
            _ = try await stack.run(["up", "-d"])
            let written = await eventually { stack.log("writer").contains("line 5") }
            let tail = try await stack.run(["logs", "--tail", "2", "--no-color", "-t", "writer"])
            let all = try await stack.run(["logs", "--no-color"])
            _ = try await stack.run(["down"])

            let lines = tail.output.split(separator: "\n")
            #expect(written)
            #expect(tail.status == 0, "\(tail.errors)")
            #expect(lines.count == 2, "\(tail.output)")
            #expect(lines.first?.hasSuffix("Z line 4") == true && lines.last?.hasSuffix("Z line 5") == true, "\(tail.output)")
            #expect(lines.allSatisfy { $0.hasPrefix("writer  | 20") }, "\(tail.output)")
            #expect(all.output.contains("writer  | to stderr\n"), "\(all.output)")
            #expect(all.output.contains("writer  | line 1\nwriter  | line 2\n"), "\(all.output)")
        }
    }

    @Test func sinceKeepsOnlyRecordsFromThatInstantOn() async throws {
        try await withStack(Self.writer) { stack in
            _ = try await stack.run(["up", "-d"])
            _ = await eventually { stack.log("writer").contains("line 5") }
            // The stored timestamp of "line 3", as the file has it: the first word of its record.
            let record = stack.log("writer").split(separator: "\n").first { $0.hasSuffix(" out line 3") }
            let cut = try #require(record?.split(separator: " ").first.map(String.init))
            let since = try await stack.run(["logs", "--no-color", "--since", cut])
            let recent = try await stack.run(["logs", "--no-color", "--since", "1h"])
            _ = try await stack.run(["down"])

            #expect(since.status == 0, "\(since.errors)")
            #expect(since.output == "writer  | line 3\nwriter  | line 4\nwriter  | line 5\n", "\(since.output)")
            #expect(recent.output.contains("line 1") && recent.output.contains("to stderr"))
        }
    }

    @Test func followShowsNewLinesAndEndsWithTheSupervisor() async throws {
        try await withStack(Self.ticker) { stack in
            _ = try await stack.run(["up", "-d"])
            _ = await eventually { stack.log("ticker").contains("tick 3") }
            let follow = try stack.start(["logs", "-f", "--no-color", "--tail", "1"])
            let first = await follow.waitForOutput("tick ")
            let startLine = follow.output.split(separator: "\n").first.map(String.init) ?? ""
            let later = await eventually(within: .seconds(30)) { follow.output.split(separator: "\n").count >= 4 }
            _ = try await stack.run(["down"])
            let ended = await follow.waitForExit(within: .seconds(60))
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
