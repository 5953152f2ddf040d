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
        let path = file(record)
        // Written aside then renamed, so a reader never sees half a record;
        // created afresh (O_EXCL, O_NOFOLLOW), so a planted link is never followed.
        let aside = path + ".tmp"
        unlink(aside)
        let descriptor = open(aside, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == data.count else {
            unlink(aside)
            return
        }
        rename(aside, path)
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
