import ComposeKit
import Foundation
import Testing

@testable import SlipwayRuntime

/// The parts an image adapter's launch is made of, without a server:
/// where data lives, how values name the instance, how a server is found.
@Suite("image launch parts: data location, shell words, server lookup")
struct ImageLaunchPartsTests {
    private let state = StateDirectory(path: "/state")

    @Test("a data path lives under the mount that covers it, the longest one winning")
    func dataLocation() {
        let mounts = [
            VolumeMount(source: .volume("pgdata"), target: "/var/lib/postgresql/data"),
            VolumeMount(source: .bind("/srv/logs"), target: "/var/lib/postgresql/data/log"),
        ]
        let volume = ImageDataLocation(containerPath: "/var/lib/postgresql/data", mounts: mounts, state: state, service: "db")
        #expect(volume.root == "/state/volumes/pgdata" && volume.path == volume.root && volume.volume == "pgdata")
        let below = ImageDataLocation(containerPath: "/var/lib/postgresql/data/pgdata", mounts: mounts, state: state, service: "db")
        #expect(below.path == "/state/volumes/pgdata/pgdata" && below.root == "/state/volumes/pgdata")
        let bind = ImageDataLocation(containerPath: "/var/lib/postgresql/data/log", mounts: mounts, state: state, service: "db")
        #expect(bind.root == "/srv/logs" && bind.path == "/srv/logs" && bind.volume == nil)
        let lookalike = ImageDataLocation(containerPath: "/var/lib/postgresql/database", mounts: mounts, state: state, service: "db")
        #expect(lookalike.path == "/state/data/db", "a prefix that is not a whole path component is no cover")
        let anonymous = ImageDataLocation(
            containerPath: "/data", mounts: [VolumeMount(source: .anonymous, target: "/data")], state: state, service: "cache")
        #expect(anonymous.path == "/state/data/cache" && anonymous.volume == nil)
    }

    @Test("values expand from the instance's environment; wrapper words keep variables for the shell")
    func shellWords() {
        let environment = ["PORT_6379": "41000", "SLIPWAY_IMAGE_ID": "abc"]
        #expect(ShellWords.expand("$PORT_6379", in: environment) == "41000")
        #expect(ShellWords.expand("rabbit-$SLIPWAY_IMAGE_ID@localhost", in: environment) == "rabbit-abc@localhost")
        #expect(ShellWords.expand("cost: 5$", in: environment) == "cost: 5$")
        #expect(ShellWords.word("$PORT_6379") == "\"$PORT_6379\"")
        #expect(ShellWords.word("it's") == "'it'\\''s'")
    }

    @Test("a versioned server takes the tag's major, or the newest installed; a missing one names its package")
    func serverLookup() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-servers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for major in ["13", "16", "notes"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(major)/bin", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: "\(root)/\(major)/bin/postgres", contents: Data("#!/bin/sh\n".utf8))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(root)/\(major)/bin/postgres")
        }
        let server = ServerProgram(path: root + "/{major}/bin/postgres", package: "postgresql-{major}")
        #expect(try ServerProgramLocator.locate(server, reference: ImageReference(parsing: "postgres:13.2"), service: "db")
            == root + "/13/bin/postgres")
        #expect(try ServerProgramLocator.locate(server, reference: ImageReference(parsing: "postgres"), service: "db")
            == root + "/16/bin/postgres")
        #expect(throws: UpError.cannotStart(
            service: "db",
            reason: "image postgres:9 runs \(root)/9/bin/postgres, which is not installed; install the Debian package "
                + "postgresql-9 (apt-get install postgresql-9)")
        ) {
            try ServerProgramLocator.locate(server, reference: ImageReference(parsing: "postgres:9"), service: "db")
        }
    }

    @Test("a stable id depends on the data directory only")
    func stableID() {
        #expect(ImageLaunch.stableID("/a/volumes/rabbitmq_data") == ImageLaunch.stableID("/a/volumes/rabbitmq_data"))
        #expect(ImageLaunch.stableID("/a/volumes/rabbitmq_data") != ImageLaunch.stableID("/b/volumes/rabbitmq_data"))
        #expect(ImageLaunch.stableID("/x").count == 10)
    }
}
