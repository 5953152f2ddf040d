import Foundation
import Glibc
import Testing

@Suite("up: health checks and service processes")
struct UpHealthTests {
    private static let httpServer = """
        ["python3", "-c", "import http.server, os\\nclass H(http.server.BaseHTTPRequestHandler):\\n    def do_GET(self):\\n        self.send_response(204); self.end_headers()\\n    def log_message(self, *a): pass\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"]
        """

    @Test func everyHealthCheckFormIsProbed() async throws {
        let stack = try TestStack("""
            services:
              exec-form:
                command: sleep 1000
                healthcheck: {test: ["CMD", "test", "-d", "/"], interval: 60s}
              shell-form:
                command: sleep 1000
                healthcheck: {test: ["CMD-SHELL", "test -d / && true"], interval: 60s}
              string-form:
                command: sleep 1000
                healthcheck: {test: "exit 0", interval: 60s}
              http-form:
                command: \(Self.httpServer)
                expose: ["8000"]
                healthcheck: {interval: 60s}
                x-slipway: {health_path: /health/}
              disabled:
                command: sleep 1000
                healthcheck: {test: ["CMD", "false"], disable: true}
              none:
                command: sleep 1000
                healthcheck: {test: ["NONE"]}
            """)
        let up = try stack.start()
        let allHealthy = await eventually {
            ["exec-form", "shell-form", "string-form", "http-form"].allSatisfy { up.states(of: $0).contains("Healthy") }
        }
        let started = await eventually { up.states(of: "disabled").contains("Started") && up.states(of: "none").contains("Started") }
        up.signal(SIGINT)
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(allHealthy, "\(up.output)\(up.errors)")
        #expect(started)
        #expect(up.states(of: "disabled") == ["Started", "Stopping", "Stopped"])
        #expect(up.states(of: "none") == ["Started", "Stopping", "Stopped"])
        #expect(status == 0)
    }

    @Test func aServiceWithoutHealthCheckCannotSatisfyServiceHealthy() async throws {
        let stack = try TestStack("""
            services:
              db:
                command: sleep 1000
                healthcheck: {test: ["NONE"]}
              web:
                command: sleep 1000
                depends_on:
                  db: {condition: service_healthy}
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(status == 3)
        #expect(up.errors.contains("db has no health check"))
    }

    /// With a 60 s interval docker would probe once a minute; adaptive
    /// probing sees a late listener far sooner.
    @Test func aLateListenerIsSeenHealthyLongBeforeTheInterval() async throws {
        let stack = try TestStack("""
            services:
              slow:
                command: ["sh", "-c", "sleep 0.7; exec python3 -m http.server $$PORT --bind 127.0.0.1"]
                expose: ["8000"]
                healthcheck: {interval: 60s, start_interval: 60s, start_period: 60s}
                x-slipway: {health_path: /}
            """)
        let up = try stack.start()
        let healthy = await up.waitForOutput("slow  Healthy", within: .seconds(30))
        up.signal(SIGINT)
        _ = await up.waitForExit()
        await up.cleanUp()

        #expect(healthy, "\(up.output)\(up.errors)")
    }

    @Test func environmentEnvFileAndWorkingDirReachTheProcess() async throws {
        let stack = try TestStack("""
            services:
              show:
                command: sh -c 'echo "from-file=$$FROM_FILE from-env=$$FROM_ENV port=$${PORT:+set} dir=$$(pwd)"'
                env_file: [settings.env]
                environment: {FROM_ENV: yes-env}
                working_dir: /tmp
                expose: ["8000"]
            """)
        try "FROM_FILE=yes-file\n".write(toFile: stack.directory + "/settings.env", atomically: true, encoding: .utf8)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(up.output.contains("show  | from-file=yes-file from-env=yes-env port=set dir=/tmp"), "\(up.output)\(up.errors)")
        #expect(status == 0)
    }

    @Test(.enabled(if: geteuid() == 0, "switching user needs root"))
    func runsAsTheConfiguredUserWhenRoot() async throws {
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        let stack = try TestStack("""
            services:
              who:
                command: id -u
                user: nobody
            """)
        let up = try stack.start()
        let status = await up.waitForExit()
        await up.cleanUp()

        #expect(up.output.contains("who  | \(nobody)"), "\(up.output)\(up.errors)")
        #expect(status == 0)
    }
}
