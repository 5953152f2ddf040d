import Foundation
import FoundationNetworking
import Glibc
import Testing

@Suite("up: ports, addresses and output")
struct UpPortsTests {
    /// A tiny HTTP server on $PORT answering with `body` and the
    /// X-Forwarded-For it received (`direct` when none: a TCP-mode proxy).
    private static func server(_ body: String) -> String {
        """
        ["python3", "-c", "import http.server, os\\nclass H(http.server.BaseHTTPRequestHandler):\\n    def do_GET(self):\\n        self.send_response(200); self.end_headers(); self.wfile.write(b'\(body) ' + (self.headers.get('X-Forwarded-For') or 'direct').encode())\\n    def log_message(self, *a): pass\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"]
        """
    }

    private static func get(port: Int) async -> String? {
        let url = URL(string: "http://127.0.0.1:\(port)/")!
        guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 30)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: [("", "direct"), ("x-slipway: {proxy: http}", "127.0.0.1")])
    func servesARequestThroughAPublishedPort(proxyMode: String, forwardedFor: String) async throws {
        let stack = try TestStack("""
            services:
              web:
                command: \(Self.server("hello from web"))
                ports: ["8000"]
                healthcheck:
                  test: ["CMD-SHELL", "python3 -c \\"import socket,os; socket.create_connection(('127.0.0.1', int(os.environ['PORT'])))\\""]
                  interval: 30s
                \(proxyMode)
            """)
        let up = try stack.start()
        let healthy = await up.waitForOutput("web  Healthy")
        let published = healthy ? try? await stack.publishedPorts("web").first : nil
        let body = if let published { await Self.get(port: published) } else { String?.none }
        up.signal(SIGINT)
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(healthy, "\(up.output)\(up.errors)")
        #expect(body == "hello from web \(forwardedFor)")
        #expect(status == 0)
    }

    @Test func aDependentReachesItsDependencyThroughTheInjectedAddress() async throws {
        let stack = try TestStack("""
            services:
              api:
                command: \(Self.server("api says hi"))
                expose: ["9000"]
                x-slipway:
                  health_path: /
              client:
                command: ["python3", "-c", "import os, urllib.request\\nprint('got:', urllib.request.urlopen('http://%s:%s/' % (os.environ['API_SERVICE_HOST'], os.environ['API_SERVICE_PORT'])).read().decode(), flush=True)"]
                depends_on:
                  api: {condition: service_healthy}
            """)
        let up = try stack.start()
        let reached = await up.waitForOutput("client  | got: api says hi direct")
        up.signal(SIGINT)
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(reached, "\(up.output)\(up.errors)")
        #expect(status == 0)
    }

    @Test func aTakenPublishedPortIsAnErrorAndNothingStarts() async throws {
        let blocker = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(blocker) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(blocker, pointer, length) == 0 && listen(blocker, 1) == 0 && getsockname(blocker, pointer, &length) == 0
            }
        }
        try #require(bound)
        let taken = Int(UInt16(bigEndian: address.sin_port))
        let stack = try TestStack("""
            services:
              db:
                command: sleep 1000
              web:
                command: sleep 1000
                ports: ["\(taken):8000"]
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        let started = stack.processes().filter { $0 != up.pid }
        await up.cleanUp()

        #expect(status == 4)
        #expect(up.errors.contains("service web cannot publish port"))
        #expect(up.errors.contains("\(taken)"))
        #expect(!up.output.contains("Started"))
        #expect(started.isEmpty)
    }

    @Test func colouredOnATerminalAndPlainWithNoColor() async throws {
        let compose = """
            services:
              echo:
                command: sh -c 'echo hello'
            """
        let coloured = try TestStack(compose)
        let withColour = try coloured.start(terminal: true)
        _ = await withColour.waitForExit()
        await withColour.cleanUp()
        let plain = try TestStack(compose)
        let withoutColour = try plain.start(environment: ["NO_COLOR": "1"], terminal: true)
        _ = await withoutColour.waitForExit()
        await withoutColour.cleanUp()

        #expect(withColour.output.contains("\u{1B}["))
        #expect(withColour.output.contains("hello"))
        #expect(!withoutColour.output.contains("\u{1B}["))
        #expect(withoutColour.output.contains("echo  | hello"))
    }
}
