import ComposeKit
import Foundation
import Testing
@testable import SlipwayRuntime

/// A deployment's snapshot reads back as the service it was taken of, so a
/// rollback runs that version and compares equal to an instance still running it.
@Suite("Snapshot definitions")
struct SnapshotDefinitionTests {
    static let compose = """
        name: shop
        services:
          db:
            image: postgres:15
            environment: {POSTGRES_PASSWORD: x}
            volumes: ["pgdata:/var/lib/postgresql/data"]
          web:
            command: python3 -m http.server $${PORT}
            working_dir: /srv
            depends_on: {db: {condition: service_healthy}}
            networks: [front]
            ports: ["8000"]
            environment: {B: "2", A: "b$$c"}
            healthcheck: {test: [CMD-SHELL, "test -e ok"], interval: 1s}
            deploy: {update_config: {failure_action: pause, order: start-first}, rollback_config: {monitor: 1s}}
            x-slipway: {proxy: http, deploy: {drain: 2s}}
        volumes: {pgdata: {}}
        networks: {front: {}}
        """

    @Test func everyServiceReadsBackToTheSameSnapshot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.compose.write(toFile: directory.path + "/compose.yaml", atomically: true, encoding: .utf8)
        let project = try ProjectLoader(options: LoadOptions(files: [directory.path + "/compose.yaml"], workingDirectory: directory.path)).load().project
        for service in project.services.values {
            let snapshot = DeploymentSnapshot(service)
            var read = try SnapshotDefinition.service(service.name, project: "shop", snapshot: snapshot.json)
            read.dependsOn = service.dependsOn
            #expect(DeploymentSnapshot(read) == snapshot, "\(service.name)")
            #expect(read == service, "\(service.name)")
        }
    }

    @Test func aSnapshotThatIsNotAnObjectIsUnreadable() {
        #expect(throws: SnapshotDefinition.Unreadable.self) { try SnapshotDefinition.service("web", project: "shop", snapshot: "[1]") }
    }
}
