import Testing
@testable import ComposeKit

/// Several `-f` files merge by compose's rules.
@Suite struct MergeTests {
    private func merged(_ base: String, _ override: String, environment: [String: String] = [:]) throws -> Project {
        let directory = try TemporaryDirectory()
        let first = try directory.write("compose.yaml", base)
        let second = try directory.write("override.yaml", override)
        return try directory.load([first, second], environment: environment).project
    }

    @Test func commandEntrypointAndHealthcheckTestAreReplacedWhileOtherHealthFieldsMerge() throws {
        let project = try merged("""
        services:
          web:
            command: [python3, app.py, --debug]
            entrypoint: [tini, --]
            healthcheck: {test: [CMD, a, b], interval: 5s, retries: 7}
        """, """
        services:
          web:
            command: [python3, app.py]
            entrypoint: [dumb-init]
            healthcheck: {test: [CMD, c]}
        """)
        let web = try #require(project.services["web"])
        #expect(web.command == .exec(["python3", "app.py"]))
        #expect(web.entrypoint == .exec(["dumb-init"]))
        #expect(web.healthcheck?.test == .exec(["c"]))
        #expect(web.healthcheck?.interval == .seconds(5))
        #expect(web.healthcheck?.retries == 7)
    }

    @Test func environmentLabelsAndDependsOnMergeByKeyAcrossForms() throws {
        let project = try merged("""
        services:
          db: {command: x}
          cache: {command: x}
          web:
            command: x
            environment: [A=1, B=2]
            labels: {team: core, tier: web}
            depends_on: [db]
        """, """
        services:
          web:
            environment: {B: "3", C: "4"}
            labels: [tier=edge]
            depends_on:
              cache: {condition: service_healthy}
              db: {condition: service_started, required: false}
        """)
        let web = try #require(project.services["web"])
        #expect(web.environment == ["A": "1", "B": "3", "C": "4"])
        #expect(web.labels == ["team": "core", "tier": "edge"])
        #expect(web.dependsOn["cache"]?.condition == .serviceHealthy)
        #expect(web.dependsOn["db"]?.required == false)
    }

    @Test func portsAndExposeAppendWithoutDuplicates() throws {
        let project = try merged("""
        services:
          web: {command: x, ports: ["8000:80", "9000:90"], expose: ["3000"]}
        """, """
        services:
          web: {ports: ["9000:90", "7000:70"], expose: ["3000", "4000"]}
        """)
        let web = try #require(project.services["web"])
        #expect(web.ports.map(\.published) == [8000, 9000, 7000])
        #expect(web.expose == [3000, 4000])
    }

    @Test func resetClearsAndOverrideReplaces() throws {
        let project = try merged("""
        services:
          web:
            command: x
            ports: ["8000:80"]
            environment: {A: "1", B: "2"}
            build: .
        """, """
        services:
          web:
            ports: !reset []
            environment: !override {C: "3"}
            build: !reset
        """)
        let web = try #require(project.services["web"])
        #expect(web.ports.isEmpty)
        #expect(web.environment == ["C": "3"])
        #expect(web.build == nil)
    }

    @Test func scalarsAreReplacedAndNewServicesAdded() throws {
        let project = try merged("""
        services:
          web: {command: x, image: a, restart: always}
        """, """
        services:
          web: {image: b}
          worker: {command: y}
        """)
        #expect(project.services["web"]?.image == "b")
        #expect(project.services["web"]?.restart == .always)
        #expect(project.services["worker"]?.command == .shell("y"))
    }

    @Test func laterFilesTopLevelNameWins() throws {
        let project = try merged("name: first\nservices: {web: {command: x}}\n", "name: second\n")
        #expect(project.name == "second")
    }
}
