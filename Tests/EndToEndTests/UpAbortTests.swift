import Foundation
import Glibc
import Testing

/// `up --abort-on-container-exit`, `--abort-on-container-failure` and
/// `--exit-code-from`: a test-runner service decides when the stack ends and
/// what `up` returns.
@Suite("up: abort on exit")
struct UpAbortTests {
    static let compose = """
        services:
          server:
            command: sleep 1000
            stop_grace_period: 2s
          setup:
            command: sh -c 'echo setup done'
          tests:
            command: sh -c 'echo tests ran; exit 7'
            depends_on:
              server: {condition: service_started}
              setup: {condition: service_completed_successfully}
        """

    @Test func exitCodeFromReturnsTheTestRunnersCodeAndStopsTheRest() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "--exit-code-from", "tests"])
            let left = stack.processes()

            #expect(up.status == 7, "\(up.output)\(up.errors)")
            #expect(up.output.contains("tests ran"))
            #expect(up.output.contains("Aborting on container exit..."))
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func abortOnContainerExitReturnsTheCodeOfTheServiceThatEnded() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "--abort-on-container-exit"])

            #expect(up.status == 7, "a completed one-shot dependency is not the exit: \(up.output)\(up.errors)")
            #expect(up.output.contains("setup done") && up.output.contains("tests ran"))
            #expect(stack.processes().isEmpty)
        }
    }

    @Test func exitCodeFromAServiceStoppedByTheAbortIsItsStopCode() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "--exit-code-from", "server"])

            #expect(up.status == 143, "server was stopped with SIGTERM when tests ended: \(up.output)\(up.errors)")
        }
    }

    @Test func abortOnContainerFailureIgnoresSuccessAndStopsOnAFailure() async throws {
        try await withStack("""
            services:
              server:
                command: sleep 1000
                stop_grace_period: 2s
              fine:
                command: sh -c 'echo fine ran'
              broken:
                command: sh -c 'echo broken ran; exit 5'
                depends_on:
                  fine: {condition: service_completed_successfully}
            """) { stack in
            let up = try await stack.run(["up", "--abort-on-container-failure"])

            #expect(up.status == 5, "\(up.output)\(up.errors)")
            #expect(up.output.contains("fine ran") && up.output.contains("broken ran"))
            #expect(stack.processes().isEmpty)
        }
    }

    @Test func theAbortFlagsAreRefusedWhereTheyCannotApply() async throws {
        try await withStack(Self.compose) { stack in
            let detached = try await stack.run(["up", "-d", "--abort-on-container-exit"])
            let both = try await stack.run(["up", "--abort-on-container-failure", "--exit-code-from", "tests"])
            let unknown = try await stack.run(["up", "--exit-code-from", "ghost"])

            #expect(detached.status == 2, "\(detached.errors)")
            #expect(both.status == 2, "\(both.errors)")
            #expect(unknown.status == 2 && unknown.errors.contains("no such service: ghost"), "\(unknown.errors)")
            #expect(stack.processes().isEmpty)
        }
    }
}
