import Foundation
import SlipwayTestSupport
import Testing

/// A `build:` service runs from what its Dockerfile says: the command, the
/// working directory (the build context), the environment and the health check.
@Suite("up: build services")
struct UpBuildServiceTests {
    /// Serves its working directory on the private port Slipway hands it
    /// (`$PORT`: a fixed container port is not reachable by a check until
    /// services get addresses of their own, docs/dockerfile.md). The check
    /// passes only when the ENV values, the working directory and the server are all there.
    private static let dockerfile = """
        # escape=\\
        FROM python:3.11-slim AS builder
        RUN pip install --user -r requirements.txt

        FROM python:3.11-slim
        ARG GREETING=hello
        ENV GREETING=${GREETING} \\
            MARKER=context-marker.txt
        WORKDIR /app
        COPY . .
        RUN chmod +x serve.sh
        EXPOSE 8000
        HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --start-interval=100ms --retries=3 \\
            CMD test "$GREETING" = hello-from-args && test -f "$MARKER" && curl -fsS "http://127.0.0.1:$PORT/" >/dev/null
        CMD ["./serve.sh"]
        """

    @Test func aBuildServiceComesUpHealthyFromItsDockerfile() async throws {
        try await withStack("""
            services:
              web:
                build:
                  context: ./web
                  args: {GREETING: hello-from-args}
                ports: ["8000"]
            """) { stack in
            let context = stack.directory + "/web"
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try Self.dockerfile.write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
            try "present\n".write(toFile: context + "/context-marker.txt", atomically: true, encoding: .utf8)
            try "#!/bin/sh\nexec python3 -m http.server \"$PORT\" --bind 127.0.0.1\n".write(toFile: context + "/serve.sh", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: context + "/serve.sh")

            let up = try await stack.run(["up", "-d", "--wait", "--wait-timeout", "60"])
            let records = try await stack.psRecords()
            let publishers = records["web"]?["Publishers"] as? [[String: Any]]
            let published = publishers?.first?["PublishedPort"] as? Int ?? 0
            let listing = published > 0 ? await LoopbackHTTP.get(port: published) : nil
            let down = try await stack.run(["down"])

            #expect(up.status == 0, "\(up.errors)\n\(stack.log("web"))")
            #expect(up.errors.components(separatedBy: "RUN instruction is not executed").count == 2, "\(up.errors)")
            #expect(records["web"]?["Health"] as? String == "healthy")
            #expect(publishers?.first?["TargetPort"] as? Int == 8000)
            #expect(listing?.contains("context-marker.txt") == true, "\(listing ?? "no answer")")
            #expect(down.status == 0, "\(down.errors)")
        }
    }

    @Test func aBuildServiceWhoseDockerfileGivesNoCommandStartsNothing() async throws {
        try await withStack("""
            services:
              web:
                build: ./web
            """) { stack in
            let context = stack.directory + "/web"
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try "FROM python:3.11-slim\nWORKDIR /app\n".write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)

            let up = try await stack.run(["up", "-d", "--wait"])

            #expect(up.status == 1)
            #expect(up.errors.contains("its Dockerfile (web/Dockerfile) has neither CMD nor ENTRYPOINT"), "\(up.errors)")
            #expect(stack.processes().isEmpty)
        }
    }

    @Test func aMalformedDockerfileIsALoadErrorAtItsLine() async throws {
        try await withStack("""
            services:
              web:
                build: ./web
            """) { stack in
            let context = stack.directory + "/web"
            try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
            try "FROM python:3.11-slim\n\nHEALTHCHECK --interval=often CMD true\nCMD [\"x\"]\n"
                .write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)

            let up = try await stack.run(["up", "-d", "--wait"])

            #expect(up.status == 1)
            #expect(up.errors.contains("web/Dockerfile:3:1: services.web.build: HEALTHCHECK --interval expects a duration like 30s or 1m30s, got \"often\""), "\(up.errors)")
            #expect(stack.processes().isEmpty)
        }
    }
}
