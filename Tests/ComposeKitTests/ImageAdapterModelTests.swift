import Foundation
import Testing

@testable import ComposeKit

/// Image adapters as the loaded model sees them: which services run one,
/// with which ports and server arguments, and what the loader refuses.
@Suite("image adapters: references, selection, ports, requirements, volumes")
struct ImageAdapterModelTests {
    private func load(_ yaml: String, requireCommands: Bool = true) throws -> Project {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        return try directory.load { $0.requireCommands = requireCommands }.project
    }

    private func errors(_ yaml: String) throws -> [ComposeDiagnostic] {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", yaml)
        return directory.errors { $0.requireCommands = true }
    }

    @Test("a reference gives its repository name and tag; docker.io/library and digests fall away")
    func references() {
        #expect(ImageReference(parsing: "postgres:15.4-alpine") == ImageReference(name: "postgres", tag: "15.4-alpine"))
        #expect(ImageReference(parsing: "docker.io/library/postgres:15") == ImageReference(name: "postgres", tag: "15"))
        #expect(ImageReference(parsing: "library/redis") == ImageReference(name: "redis", tag: nil))
        #expect(ImageReference(parsing: "redis:latest").tag == nil)
        #expect(ImageReference(parsing: "localhost:5000/redis:7@sha256:abc") == ImageReference(name: "redis", tag: "7"))
        #expect(ImageReference(parsing: "bitnami/postgresql:15").name == "bitnami/postgresql")
        #expect(ImageReference(parsing: "postgres:15-alpine").major == 15)
        #expect(ImageReference(parsing: "postgres:alpine").major == nil)
        #expect(ImageCatalog.adapter(for: "bitnami/postgresql:15") == nil)
    }

    @Test("a known image without a command runs its adapter, with the image's ports")
    func selection() throws {
        let project = try load("""
        services:
          db: {image: "postgres:15", environment: {POSTGRES_PASSWORD: secret}}
          queue: {image: "rabbitmq:3-management"}
          plain-queue: {image: "rabbitmq:3.12"}
          cache: {image: redis, command: redis-server --appendonly yes}
          options: {image: "redis:7", command: ["--maxmemory", "10mb"]}
          tool: {image: redis, command: redis-cli ping}
          own: {image: "postgres:15", x-slipway: {command: ./run.sh}}
        """)
        let services = project.services
        #expect(services["db"]?.imageRun?.adapter == .postgres)
        #expect(services["db"]?.containerPorts == [5432])
        #expect(services["queue"]?.containerPorts == [5672, 15672])
        #expect(services["plain-queue"]?.containerPorts == [5672])
        #expect(services["cache"]?.imageRun?.serverArguments == ["--appendonly", "yes"])
        #expect(services["options"]?.imageRun?.serverArguments == ["--maxmemory", "10mb"])
        #expect(services["tool"]?.imageRun == nil)
        #expect(services["tool"]?.containerPorts == [])
        #expect(services["own"]?.imageRun == nil)
    }

    @Test("an unknown image without a command is a load error naming the known images")
    func unknownImage() throws {
        let found = try errors("services:\n  search:\n    image: elasticsearch:8\n")
        #expect(found.contains {
            $0.path == "services.search" && $0.message.contains("elasticsearch:8")
                && $0.message.contains("known images: postgres, rabbitmq, redis")
        }, "\(found)")
    }

    @Test("postgres without POSTGRES_PASSWORD is refused at load, saying why; trust needs none")
    func postgresPassword() throws {
        let found = try errors("services:\n  db:\n    image: postgres:15\n    environment:\n      POSTGRES_DB: app\n")
        let refusal = try #require(found.first { $0.path == "services.db.environment" }, "\(found)")
        #expect(refusal.message.contains("POSTGRES_PASSWORD"))
        #expect(refusal.message.contains("POSTGRES_HOST_AUTH_METHOD: trust"))
        #expect(refusal.position?.line == 5)
        let trusted = try load("services:\n  db:\n    image: postgres\n    environment: {POSTGRES_HOST_AUTH_METHOD: trust}\n")
        #expect(trusted.services["db"]?.imageRun != nil)
        let configOnly = try load("services:\n  db:\n    image: postgres\n", requireCommands: false)
        #expect(configOnly.services["db"] != nil)
    }

    @Test("volumes: named, relative and absolute binds, long syntax, anonymous; others are kept for config only")
    func volumes() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", """
        services:
          db:
            image: postgres
            environment: {POSTGRES_PASSWORD: x}
            volumes:
              - pgdata:/var/lib/postgresql/data
              - ./init:/docker-entrypoint-initdb.d:ro
              - /srv/dumps:/dumps
              - /var/run/anonymous
              - {type: volume, source: logs, target: /logs, read_only: true}
              - {type: tmpfs, target: /tmp}
        volumes:
          pgdata:
          logs:
        """)
        let service = try #require(try directory.load().project.services["db"])
        #expect(service.mounts == [
            VolumeMount(source: .volume("pgdata"), target: "/var/lib/postgresql/data"),
            VolumeMount(source: .bind(directory.path + "/init"), target: "/docker-entrypoint-initdb.d", readOnly: true),
            VolumeMount(source: .bind("/srv/dumps"), target: "/dumps"),
            VolumeMount(source: .anonymous, target: "/var/run/anonymous"),
            VolumeMount(source: .volume("logs"), target: "/logs", readOnly: true),
        ])
        #expect(service.notEmulated["volumes"] != nil)
    }

    @Test("a volume name that is not one path component is a load error")
    func volumeNames() throws {
        let found = try errors("services:\n  db:\n    command: x\n    volumes: [\"..:/data\", \"a/b:/x\"]\n")
        #expect(found.filter { $0.path == "services.db.volumes" }.count == 1, "\(found)")
        #expect(VolumeName.isValid("postgres_data.v1-x"))
        #expect(!VolumeName.isValid("..") && !VolumeName.isValid(".hidden") && !VolumeName.isValid("a/b"))
    }

    @Test("an adapter's service keeps its data outside the instance; a command's does not")
    func dataLivesInVolume() throws {
        let project = try load("""
        services:
          db: {image: "postgres:15", environment: {POSTGRES_PASSWORD: x}}
          web: {command: ./serve}
        """)
        #expect(project.services["db"]?.dataLivesInVolume == true)
        #expect(project.services["web"]?.dataLivesInVolume == false)
    }
}
