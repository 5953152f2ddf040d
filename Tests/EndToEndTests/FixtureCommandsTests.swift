import Foundation
import Glibc
import Testing

/// Slipway as an integration-test fixture: ephemeral published ports,
/// `port`, `up -d --wait --format json`, a `down` that leaves nothing, and
/// two copies of one stack side by side.
@Suite("fixture commands")
struct FixtureCommandsTests {
    static let compose = """
        services:
          web:
            command: \(FixtureClient.server("web"))
            ports: ["8000", "127.0.0.1:0:8001"]
            x-slipway:
              health_path: /
          side:
            command: sleep 1000
            ports: ["0:7001"]
            expose: ["7000"]
        """

    @Test func portPrintsEachEphemeralAddressAsUpReportedIt() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--format", "json"])
            let record = FixtureClient.upRecord(up.output)
            let addresses = FixtureClient.addresses(record, service: "web")
            let first = try await stack.run(["port", "web", "8000"])
            let second = try await stack.run(["port", "web", "8001", "--protocol", "tcp"])
            let served = await FixtureClient.get(first.output.trimmingCharacters(in: .whitespacesAndNewlines))
            let webPid = try await stack.psRecords()["web"]?["Pid"] as? Int
            let unpublished = try await stack.run(["port", "web", "9999"])
            let exposedOnly = try await stack.run(["port", "side", "7000"])
            let zeroHostPort = try await stack.run(["port", "side", "7001"])
            let udp = try await stack.run(["port", "--protocol", "udp", "web", "8000"])
            let unknown = try await stack.run(["port", "ghost", "8000"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(record?["Project"] as? String != nil, "\(up.output)")
            let firstAddress = first.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let secondAddress = second.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(first.status == 0 && firstAddress.hasPrefix("127.0.0.1:"), "\(first.output)\(first.errors)")
            #expect(second.status == 0 && secondAddress.hasPrefix("127.0.0.1:"), "\(second.output)\(second.errors)")
            #expect(FixtureClient.port(of: firstAddress).map { $0 > 0 && $0 != 8000 } == true)
            #expect(firstAddress != secondAddress)
            #expect(addresses == ["8000/tcp": firstAddress, "8001/tcp": secondAddress], "\(up.output)")
            #expect(served == "web \(webPid ?? -1)")
            #expect(unpublished.status == 1 && unpublished.errors.contains("no port 9999/tcp is published for service web"), "\(unpublished.errors)")
            #expect(exposedOnly.status == 1, "an exposed-only port has no published address")
            let sideAddress = zeroHostPort.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(zeroHostPort.status == 0 && FixtureClient.port(of: sideAddress).map { $0 > 0 } == true, "\(zeroHostPort.output)")
            #expect(FixtureClient.addresses(record, service: "side") == ["7001/tcp": sideAddress])
            #expect(udp.status == 1)
            #expect(unknown.status == 1 && unknown.errors.contains("no such service: ghost"), "\(unknown.errors)")
        }
    }

    @Test func upWaitFormatJSONListsEveryServiceWithItsState() async throws {
        try await withStack(Self.compose) { stack in
            let up = try await stack.run(["up", "--wait", "--format", "json"])
            let services = FixtureClient.upRecord(up.output)?["Services"] as? [[String: Any]] ?? []
            let foreground = try await stack.run(["up", "--format", "json"])
            _ = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)")
            #expect(up.output.split(separator: "\n").count == 1, "one JSON line: \(up.output)")
            #expect(services.compactMap { $0["Service"] as? String }.sorted() == ["side", "web"])
            let web = services.first { $0["Service"] as? String == "web" }
            #expect(web?["State"] as? String == "running")
            #expect(web?["Health"] as? String == "healthy")
            #expect(web?["Name"] as? String != nil)
            let side = services.first { $0["Service"] as? String == "side" }?["Addresses"] as? [String: String]
            #expect(side?.keys.sorted() == ["7001/tcp"], "published ports only, not the exposed 7000")
            #expect(foreground.status == 2 && foreground.errors.contains("--format needs -d or --wait"), "\(foreground.errors)")
        }
    }

    @Test func downReturnsOnlyWhenEveryPortIsClosedAndEveryProcessHasExited() async throws {
        try await withStack("""
            services:
              web:
                command: \(FixtureClient.server("web"))
                ports: ["8000"]
                x-slipway:
                  health_path: /
              worker:
                command: sh -c 'trap "sleep 0.3; exit 0" TERM; sleep 1000 & wait'
                depends_on: [web]
            """) { stack in
            let up = try await stack.run(["up", "-d", "--wait", "--format", "json"])
            let address = FixtureClient.addresses(FixtureClient.upRecord(up.output), service: "web")["8000/tcp"] ?? ""
            let servedBefore = await FixtureClient.get(address)
            let before = stack.processes()
            let down = try await stack.run(["down"])
            let refusedAfter = FixtureClient.port(of: address).map(FixtureClient.refused(port:))
            let left = stack.processes()

            #expect(up.status == 0, "\(up.errors)")
            #expect(servedBefore?.hasPrefix("web ") == true)
            #expect(before.count >= 5, "supervisor, two shims, two services: \(before)")
            #expect(down.status == 0, "\(down.errors)")
            #expect(refusedAfter == true, "the published port \(address) is closed once down returned")
            #expect(left.isEmpty, "no process of the project is alive once down returned: \(left)")
        }
    }

    @Test func twoCopiesOfOneFileRunSideBySideUnderTheirOwnProjectNames() async throws {
        try await withStack(Self.compose) { stack in
            let environment = ["XDG_STATE_HOME": stack.directory + "/xdg"]
            func up(_ project: String) async throws -> TestStack.Finished {
                try await stack.run(["-p", project, "up", "-d", "--wait", "--format", "json"], environment: environment, stateDirectory: false)
            }
            async let alpha = up("alpha")
            async let beta = up("beta")
            let (first, second) = try await (alpha, beta)
            let alphaAddress = FixtureClient.addresses(FixtureClient.upRecord(first.output), service: "web")["8000/tcp"] ?? ""
            let betaAddress = FixtureClient.addresses(FixtureClient.upRecord(second.output), service: "web")["8000/tcp"] ?? ""
            let alphaPs = try await stack.run(["-p", "alpha", "ps", "--format", "json"], environment: environment, stateDirectory: false)
            let betaPs = try await stack.run(["-p", "beta", "ps", "--format", "json"], environment: environment, stateDirectory: false)
            let alphaBody = await FixtureClient.get(alphaAddress)
            let betaBody = await FixtureClient.get(betaAddress)
            let downs = [
                try await stack.run(["-p", "alpha", "down"], environment: environment, stateDirectory: false),
                try await stack.run(["-p", "beta", "down"], environment: environment, stateDirectory: false),
            ]

            #expect(first.status == 0 && second.status == 0, "\(first.errors)\(second.errors)")
            #expect(!alphaAddress.isEmpty && !betaAddress.isEmpty && alphaAddress != betaAddress)
            let alphaPid = Self.webPid(alphaPs.output)
            let betaPid = Self.webPid(betaPs.output)
            #expect(alphaPid != nil && betaPid != nil && alphaPid != betaPid)
            #expect(alphaBody == "web \(alphaPid ?? -1)", "alpha's port reaches alpha's web")
            #expect(betaBody == "web \(betaPid ?? -1)", "beta's port reaches beta's web")
            #expect(downs.allSatisfy { $0.status == 0 })
            #expect(stack.processes().isEmpty)
        }
    }

    /// `ps --format json` as one array or as one object per line.
    private static func webPid(_ psOutput: String) -> Int? {
        let array = (try? JSONSerialization.jsonObject(with: Data(psOutput.utf8))) as? [[String: Any]]
        let records = array ?? psOutput.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        return records.first { $0["Service"] as? String == "web" }?["Pid"] as? Int
    }
}
