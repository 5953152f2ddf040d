import Foundation
import SlipwayRuntime

/// What `up -d --format json` prints on stdout once the services are started
/// (with `--wait`: ready): one JSON object on one line, with every
/// instance's published addresses ready to dial (docs/testing.md).
struct UpReadyRecord: Encodable {
    struct Instance: Encodable {
        var Name: String
        var Service: String
        var State: String
        var Health: String
        var ExitCode: Int32
        /// `"8000/tcp"` → `"127.0.0.1:41234"`, published ports only.
        var Addresses: [String: String]
    }

    var Project: String
    var Services: [Instance]

    init(_ snapshot: StatusSnapshot) {
        Project = snapshot.project
        Services = snapshot.instances.map { instance in
            let published = instance.publishers.filter { $0.publishedPort != 0 }
            return Instance(
                Name: instance.name, Service: instance.service, State: instance.state.rawValue,
                Health: instance.health?.rawValue ?? "", ExitCode: instance.exitCode,
                Addresses: Dictionary(
                    published.map { ("\($0.targetPort)/\($0.protocol)", $0.address) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
