import ComposeKit
import Foundation
import Glibc
import SlipwayShim

/// `/docker-entrypoint-initdb.d`: whatever the file mounts there (a
/// directory, or single files inside it) is copied into the instance's run
/// directory and given to the server's account, which may not be able to
/// read the originals (a project under `/root`), as the image's root
/// entrypoint could.
enum InitScripts {
    /// The directory holding the scripts, or nil when nothing is mounted there.
    static func gather(
        at containerDirectory: String, mounts: [VolumeMount], state: StateDirectory, into destination: String,
        service: String, owner: Account?
    ) throws(UpError) -> String? {
        var sources: [(name: String, path: String)] = []
        for mount in mounts {
            guard let host = hostPath(mount.source, state) else { continue }
            if mount.target == containerDirectory {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: host)) ?? []
                sources += names.map { ($0, host + "/" + $0) }
            } else if mount.target.hasPrefix(containerDirectory + "/") {
                sources.append((String(mount.target.dropFirst(containerDirectory.count + 1)), host))
            }
        }
        guard !sources.isEmpty else { return nil }
        do {
            try? FileManager.default.removeItem(atPath: destination)
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
            for source in sources where !source.name.contains("/") {
                let target = destination + "/" + source.name
                try FileManager.default.copyItem(atPath: source.path, toPath: target)
                if let owner { chown(target, owner.uid, owner.gid) }
            }
            if let owner { chown(destination, owner.uid, owner.gid) }
        } catch {
            throw UpError.cannotStart(
                service: service, reason: "cannot read its init scripts for \(containerDirectory): \(error.localizedDescription)")
        }
        return destination
    }

    private static func hostPath(_ source: VolumeMount.Source, _ state: StateDirectory) -> String? {
        switch source {
        case .bind(let path): path
        case .volume(let name): state.volumePath(name)
        case .anonymous: nil
        }
    }
}
