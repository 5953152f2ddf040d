import Foundation
import Glibc
import SlipwayShim

/// What a later run needs to find a surviving instance: its shim and the
/// leader of its session, each by pid and start time.
public struct ProcessRecord: Codable, Sendable, Equatable {
    public var service: String
    public var instance: Int
    public var shim: ProcessIdentity
    public var leader: ProcessIdentity

    public init(service: String, instance: Int, shim: ProcessIdentity, leader: ProcessIdentity) {
        self.service = service
        self.instance = instance
        self.shim = shim
        self.leader = leader
    }
}

/// The `processes/` folder of a state directory: one JSON file per live instance.
public struct ProcessRecordStore: Sendable {
    public let directory: String

    public init(_ state: StateDirectory) {
        directory = state.processesDirectory
    }

    public func save(_ record: ProcessRecord) {
        guard let data = try? JSONEncoder().encode(record) else { return }
        try? StateFile.replace(file(record), with: Array(data), mode: 0o600)
    }

    public func remove(_ record: ProcessRecord) {
        unlink(file(record))
    }

    public func all() -> [ProcessRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            FileManager.default.contents(atPath: "\(directory)/\(name)")
                .flatMap { try? JSONDecoder().decode(ProcessRecord.self, from: $0) }
        }
    }

    private func file(_ record: ProcessRecord) -> String {
        "\(directory)/\(record.service).\(record.instance).json"
    }
}
