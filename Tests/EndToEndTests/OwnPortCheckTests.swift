import Foundation
import Glibc
import SlipwayTestSupport
import Testing

/// A health check on the container's own port reaches its own instance
/// (docs/health-checks.md): it runs in a network namespace of the
/// instance's own, where `localhost:<container port>` is that instance,
/// whatever holds the same port on the host.
@Suite("checks on the container's own port")
struct OwnPortCheckTests {
    /// Answers `/health` with 200 and `own <VERSION>` on `$PORT`, or 500 when
    /// `VERSION` is `broken`; any other path with the version.
    static let server = """
        import http.server, os
        version = os.environ.get("VERSION", "?")
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                broken = self.path == "/health" and version == "broken"
                body = ("own " + version if self.path == "/health" else version).encode()
                self.send_response(500 if broken else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """

    /// Holds 127.0.0.1 on a port the kernel picks, answers everything with
    /// 500, writes the port to `decoy.port` once it listens and a line to
    /// `decoy.hits` per request.
    static let decoy = """
        import http.server, os, sys
        directory = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with open(os.path.join(directory, "decoy.hits"), "a") as hits:
                    hits.write(self.path + "\\n")
                self.send_response(500)
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"decoy")
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        with open(os.path.join(directory, "decoy.tmp"), "w") as port:
            port.write(str(server.server_address[1]))
        os.rename(os.path.join(directory, "decoy.tmp"), os.path.join(directory, "decoy.port"))
        server.serve_forever()
        """

    /// A version that should come up gets a start period, so a loaded machine's slow Python start
    /// does not count against it; the broken one gets none, so its deploy fails without waiting.
    static func compose(port: Int, version: String, ports: String) -> String {
        let startPeriod = version == "broken" ? "0s" : "60s"
        return """
        services:
          web:
            command: exec python3 server.py
            working_dir: .
            environment: {VERSION: \(version)}
            \(ports)
            healthcheck:
              test: ["CMD", "curl", "-fsS", "http://localhost:\(port)/health"]
              interval: 1s
              timeout: 5s
              retries: 2
              start_period: \(startPeriod)
              start_interval: 1s
            x-slipway: {deploy: {drain: 1s, keep_previous: 0s, monitor: 1s}}
        """
    }

    @Test func aCurlCheckOnTheContainerPortReachesItsOwnInstanceNotWhatHoldsThePortOnTheHost() async throws {
        try await withStack("services: {}\n") { stack in
            try Self.server.write(toFile: stack.directory + "/server.py", atomically: true, encoding: .utf8)
            try Self.decoy.write(toFile: stack.directory + "/decoy.py", atomically: true, encoding: .utf8)
            let decoy = try ChildProcess("/usr/bin/env", ["python3", stack.directory + "/decoy.py", stack.directory])
            defer { decoy.killAndReap() }
            let portFile = stack.directory + "/decoy.port"
            #expect(await eventually(within: .seconds(30)) { FileManager.default.fileExists(atPath: portFile) })
            let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8)))
            #expect(await LoopbackHTTP.get(port: port)?.contains(" 500 ") == true, "the decoy answers on the host's 127.0.0.1:\(port)")
            let hitsBefore = Self.hits(stack)

            try Self.compose(port: port, version: "v1", ports: "expose: [\"\(port)\"]")
                .write(toFile: stack.composeFile, atomically: true, encoding: .utf8)
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            let status = try await stack.psRecords()["web"]?["Health"] as? String
            let hitsAfter = Self.hits(stack)
            let down = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)\n\(stack.log("web"))")
            #expect(status == "healthy", "\(stack.log("web"))")
            #expect(hitsAfter == hitsBefore, "the check reached the host's port: \(hitsAfter)")
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty }, "left behind: \(stack.processes())")
        }
    }

    @Test func aDeployWhoseGreenFailsTheCheckWhileBluePassesItIsRefused() async throws {
        let port = try Self.freePort()
        let published = "ports: [\"127.0.0.1:\(port):\(port)\"]"
        try await withStack(Self.compose(port: port, version: "v1", ports: published)) { stack in
            try Self.server.write(toFile: stack.directory + "/server.py", atomically: true, encoding: .utf8)
            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            let before = await LoopbackHTTP.get(port: port)
            try Self.compose(port: port, version: "broken", ports: published)
                .write(toFile: stack.composeFile, atomically: true, encoding: .utf8)
            let deploy = try await stack.run(["deploy", "web"], within: .seconds(120))
            let after = await LoopbackHTTP.get(port: port)
            let records = try await stack.psRecords()
            let down = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)\n\(stack.log("web"))")
            #expect(before?.hasSuffix("v1") == true, "\(before ?? "no answer")")
            #expect(deploy.status == 3, "green passed its check by reaching blue through the proxy:\n\(deploy.errors)")
            #expect(deploy.errors.contains("Deploy failed"), "\(deploy.errors)")
            #expect(after?.hasSuffix("v1") == true, "\(after ?? "no answer")")
            #expect((records["web"]?["Name"] as? String)?.hasSuffix("-web-1") == true, "\(records)")
            #expect(down.status == 0, "\(down.errors)")
            #expect(await eventually(within: .seconds(60)) { stack.processes().isEmpty }, "left behind: \(stack.processes())")
        }
    }

    private static func hits(_ stack: TestStack) -> String {
        (try? String(contentsOfFile: stack.directory + "/decoy.hits", encoding: .utf8)) ?? ""
    }

    /// A free port on 127.0.0.1 below the kernel's ephemeral range (as Slipway's own private ports
    /// are), free once this returns: the compose file publishes the container port on the same
    /// number. Outside that range no other test's connection or `bind(0)` is given it meanwhile.
    private static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 10_000..<32_768)
            if canBind(port) { return port }
        }
        throw POSIXError(.EADDRNOTAVAIL)
    }

    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
