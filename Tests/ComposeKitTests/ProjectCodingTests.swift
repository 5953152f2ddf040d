import Foundation
import Testing
@testable import ComposeKit

/// `up -d` hands the loaded project to its background supervisor as JSON:
/// what is decoded must be the project that was loaded, key order of loosely
/// kept values included.
@Suite struct ProjectCodingTests {
    @Test func aLoadedProjectSurvivesJSONUnchanged() throws {
        let directory = NSTemporaryDirectory() + "slipway-coding-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "FROM python:3\nENV FROM_DOCKERFILE=1\nEXPOSE 7001\n".write(
            toFile: directory + "/Dockerfile", atomically: true, encoding: .utf8)
        try """
            name: coded
            services:
              web:
                build: {context: ., args: {z: 1, a: 2.5, m: null, flag: true}}
                command: ["python3", "-m", "http.server"]
                environment: {A: "1", B: null}
                ports: ["127.0.0.1:8000-8001:80-81/udp", {target: 90, published: "9000", app_protocol: http}]
                expose: ["7000"]
                healthcheck: {test: ["CMD", "true"], interval: 1500ms, start_period: 2s, retries: 5}
                restart: on-failure:3
                deploy: {restart_policy: {condition: any, delay: 1s, max_attempts: 2}}
                x-slipway: {health_path: /up, proxy: http, restart_on_unhealthy: true}
                x-note: [1, two, {three: 3}]
                networks: [front]
                depends_on:
                  db: {condition: service_healthy, restart: true}
              db:
                command: postgres
                healthcheck: {test: "pg_isready", disable: false}
                stop_signal: SIGINT
                stop_grace_period: 3s
              extra:
                command: sleep 1
                profiles: [debug]
            networks: {front: {driver: bridge}, back: {}}
            x-top: {b: 1, a: 2}
            """.write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let options = LoadOptions(files: [directory + "/compose.yaml"], environment: [:], workingDirectory: directory)
        let project = try ProjectLoader(options: options).load().project

        let decoded = try JSONDecoder().decode(Project.self, from: JSONEncoder().encode(project))

        #expect(decoded == project)
        #expect(decoded.extensions["x-top"] == .mapping([("b", .int(1)), ("a", .int(2))]))
        #expect(decoded.disabledServices.keys.sorted() == ["extra"])
    }

    @Test(arguments: ExampleStackTests.stacks)
    func anExampleStackSurvivesJSONUnchanged(file: String) throws {
        let options = LoadOptions(files: [file], environment: [:], workingDirectory: Corpus.repositoryRoot)
        let project = try ProjectLoader(options: options).load().project
        #expect(try JSONDecoder().decode(Project.self, from: JSONEncoder().encode(project)) == project)
    }
}
