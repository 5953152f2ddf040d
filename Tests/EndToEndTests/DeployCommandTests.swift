import Foundation
import SlipwayTestSupport
import Testing

/// `slipway deploy` and a second `up -d`, as a user runs them: the binary,
/// a detached supervisor, the compose file edited between commands.
@Suite("slipway deploy")
struct DeployCommandTests {
    static func compose(port: Int, version: String, command: String = "exec python3 server.py", release: String? = nil) -> String {
        """
        services:
          web:
            command: \(command)
            working_dir: .
            environment: {VERSION: \(version)}
            ports: ["\(port):8000"]
            x-slipway: {proxy: http, health_path: /, deploy: {drain: 2s, keep_previous: 0s, monitor: 1s}\(release.map { ", release: '\($0)'" } ?? "")}
          worker:
            command: exec sleep 1000
        """
    }

    private func body(_ port: Int) async -> String? {
        guard let response = await LoopbackHTTP.get(port: port), response.contains(" 200 ") else { return nil }
        return response.components(separatedBy: "\r\n\r\n").last
    }

    private func write(_ text: String, to file: String) throws {
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    @Test func aSecondUpDashDDeploysOnlyTheServiceThatChanged() async throws {
        // Published on 0: the proxy binds a port the kernel picks, which `ps` reports.
        try await withStack(Self.compose(port: 0, version: "v1")) { stack in
            try write(VersionServer.source, to: stack.directory + "/" + VersionServer.fileName)
            let first = try await stack.run(["up", "-d", "--wait"])
            let port = try await stack.publishedPorts("web").first ?? 0
            let before = await body(port)
            try write(Self.compose(port: 0, version: "v2"), to: stack.composeFile)
            let second = try await stack.run(["up", "-d"])
            let after = await body(port)
            let records = try await stack.psRecords()
            _ = try await stack.run(["down"])

            #expect(first.status == 0, "\(first.errors)")
            #expect(before == "v1")
            #expect(second.status == 0, "\(second.errors)")
            #expect(second.errors.contains("worker  Up to date"), "\(second.errors)")
            #expect(second.errors.contains("web  Live web-2"), "\(second.errors)")
            #expect(after == "v2")
            #expect((records["web"]?["Name"] as? String)?.hasSuffix("-web-2") == true)
            #expect((records["worker"]?["Name"] as? String)?.hasSuffix("-worker-1") == true)
        }
    }

    @Test func deployIsUpToDateUnlessForcedTakesEnvAndAFailureExits3WithTheOldVersionServing() async throws {
        try await withStack(Self.compose(port: 0, version: "v1")) { stack in
            try write(VersionServer.source, to: stack.directory + "/" + VersionServer.fileName)
            let up = try await stack.run(["up", "-d", "--wait"])
            let port = try await stack.publishedPorts("web").first ?? 0
            let unchanged = try await stack.run(["deploy", "web"])
            let forced = try await stack.run(["deploy", "--force", "web"])
            let withEnv = try await stack.run(["deploy", "--env", "VERSION=v9", "web"])
            let servedEnv = await body(port)
            try write(Self.compose(port: 0, version: "v3", command: "echo no database here; exit 1"), to: stack.composeFile)
            let failed = try await stack.run(["deploy", "web"])
            let afterFailure = await body(port)
            let unknown = try await stack.run(["deploy", "ghost"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(unchanged.status == 0 && unchanged.errors.contains("web  Up to date"), "\(unchanged.errors)")
            #expect(forced.status == 0 && forced.errors.contains("web  Switched web-2"), "\(forced.errors)")
            #expect(withEnv.status == 0, "\(withEnv.errors)")
            #expect(servedEnv == "v9")
            #expect(failed.status == 3, "\(failed.errors)")
            #expect(failed.errors.contains("Deploy failed: the new instance exited before it was ready"), "\(failed.errors)")
            #expect(failed.errors.contains("no database here"), "\(failed.errors)")
            #expect(afterFailure == "v9")
            #expect(unknown.status == 1 && unknown.errors.contains("no such service: ghost"), "\(unknown.errors)")
        }
    }

    @Test func rollbackReturnsToThePreviousVersionAndRefusesADeploymentThatNeverWentLive() async throws {
        try await withStack(Self.compose(port: 0, version: "v1")) { stack in
            try write(VersionServer.source, to: stack.directory + "/" + VersionServer.fileName)
            let up = try await stack.run(["up", "-d", "--wait"])
            let port = try await stack.publishedPorts("web").first ?? 0
            try write(Self.compose(port: 0, version: "v2"), to: stack.composeFile)
            let deployed = try await stack.run(["deploy", "web"])
            let onV2 = await body(port)
            let back = try await stack.run(["rollback", "web"])
            let onV1 = await body(port)
            let unknown = try await stack.run(["rollback", "web", "--to", "999"])
            let listed = try await stack.run(["deployments", "web", "--format", "json"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(deployed.status == 0, "\(deployed.errors)")
            #expect(onV2 == "v2")
            #expect(back.status == 0, "\(back.errors)")
            #expect(back.errors.contains("web  Rolling back  to deployment"), "\(back.errors)")
            #expect(back.errors.contains("web  Live web-"), "\(back.errors)")
            #expect(onV1 == "v1")
            #expect(unknown.status == 1 && unknown.errors.contains("web has no deployment 999"), "\(unknown.errors)")
            #expect(listed.output.contains("\"Source\":\"rollback\""), "\(listed.output)")
        }
    }

    @Test func deployPreviewPrintsThePreviewAddressThenPromoteSwitchesAndAbortWithoutPreviewIsRefused() async throws {
        try await withStack(Self.compose(port: 0, version: "v1")) { stack in
            try write(VersionServer.source, to: stack.directory + "/" + VersionServer.fileName)
            let up = try await stack.run(["up", "-d", "--wait"])
            let port = try await stack.publishedPorts("web").first ?? 0
            try write(Self.compose(port: 0, version: "v2"), to: stack.composeFile)
            let previewed = try await stack.run(["deploy", "--preview", "web"])
            let address = previewed.errors.components(separatedBy: "answers on 127.0.0.1:").dropFirst().first?
                .prefix { $0.isNumber }
            var onPreview: String?
            if let previewPort = address.flatMap({ Int($0) }) { onPreview = await body(previewPort) }
            let onPublished = await body(port)
            let promoted = try await stack.run(["promote", "web"])
            let afterPromote = await body(port)
            let nothing = try await stack.run(["abort", "web"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(previewed.status == 0, "\(previewed.errors)")
            #expect(previewed.errors.contains("`slipway promote web` switches traffic to it"), "\(previewed.errors)")
            #expect(onPreview == "v2")
            #expect(onPublished == "v1")
            #expect(promoted.status == 0 && promoted.errors.contains("web  Switched web-2"), "\(promoted.errors)")
            #expect(afterPromote == "v2")
            #expect(nothing.status == 1 && nothing.errors.contains("web has no deploy waiting in preview"), "\(nothing.errors)")
        }
    }

    @Test func aSupervisorKilledMidDeployLeavesNoProcessAndTheLastActiveVersionServesAgain() async throws {
        try await withStack(Self.compose(port: 0, version: "v1")) { stack in
            try write(VersionServer.source, to: stack.directory + "/" + VersionServer.fileName)
            let up = try await stack.run(["up", "-d", "--wait"])
            let hanging = "echo $$$$ > release.pid; exec sleep 120"
            try write(Self.compose(port: 0, version: "v2", release: hanging), to: stack.composeFile)
            let deploying = try stack.start(["deploy", "web"])
            let releasing = await eventually(within: .seconds(60)) { Self.pid(in: stack.directory + "/release.pid") != nil }
            let release = Self.pid(in: stack.directory + "/release.pid")
            if let supervisor = stack.supervisorPid() { kill(supervisor, SIGKILL) }
            _ = await deploying.finish(within: .seconds(30))
            let allGone = await eventually(within: .seconds(30)) { stack.processes().isEmpty && release.map { !processExists($0) } ?? false }
            let again = try await stack.run(["up", "-d", "--wait"])
            let port = try await stack.publishedPorts("web").first ?? 0
            let served = await body(port)
            let listed = try await stack.run(["deployments", "web", "--format", "json"])
            let logs = try await stack.run(["logs", "web"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(releasing)
            #expect(allGone, "left running: \(stack.processes()) release \(release.map(String.init) ?? "?")")
            #expect(again.status == 0, "\(again.errors)")
            #expect(logs.output.contains(", the last active one; the files' version was being deployed"), "\(logs.output)")
            #expect(served == "v1")
            #expect(listed.output.contains("\"Status\":\"interrupted\""), "\(listed.output)")
        }
    }

    private static func pid(in file: String) -> Int32? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
