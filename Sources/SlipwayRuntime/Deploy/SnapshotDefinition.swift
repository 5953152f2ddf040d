import ComposeKit
import Foundation

/// A deployment's snapshot read back as the service it describes, for a
/// rollback to it. The snapshot is the service as `config` renders it
/// (interpolated, paths absolute), so it is loaded without interpolation in
/// a one-service project that declares the networks and named volumes it
/// names. Its `depends_on` is left out: it names services outside that
/// project, and a rollback keeps the running service's dependencies.
enum SnapshotDefinition {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func service(_ name: String, project: String, snapshot: String) throws(Unreadable) -> Service {
        guard let data = snapshot.data(using: .utf8),
              var definition = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw Unreadable(description: "the snapshot of \(name) is not a JSON object") }
        definition["depends_on"] = nil
        let document: [String: Any] = [
            "name": project,
            "services": [name: definition],
            "networks": Dictionary(uniqueKeysWithValues: networks(definition).map { ($0, [String: Any]()) }),
            "volumes": Dictionary(uniqueKeysWithValues: namedVolumes(definition).map { ($0, [String: Any]()) }),
        ]
        guard let encoded = try? JSONSerialization.data(withJSONObject: document) else {
            throw Unreadable(description: "the snapshot of \(name) cannot be encoded")
        }
        let text = String(decoding: encoded, as: UTF8.self)
        let options = LoadOptions(
            files: ["-"], projectName: project, environment: [:], workingDirectory: "/", interpolate: false,
            requestedServices: [name], standardInput: { text })
        do {
            guard let service = try ProjectLoader(options: options).load().project.services[name] else {
                throw Unreadable(description: "the snapshot does not describe \(name)")
            }
            return service
        } catch let error as Unreadable {
            throw error
        } catch {
            throw Unreadable(description: "the snapshot of \(name) no longer loads: \(error)")
        }
    }

    private static func networks(_ definition: [String: Any]) -> Set<String> {
        if let list = definition["networks"] as? [String] { return Set(list) }
        if let map = definition["networks"] as? [String: Any] { return Set(map.keys) }
        return []
    }

    /// `name:/path` (short form) or `{type: volume, source: name}`.
    private static func namedVolumes(_ definition: [String: Any]) -> Set<String> {
        var names: Set<String> = []
        for entry in definition["volumes"] as? [Any] ?? [] {
            if let short = entry as? String, let colon = short.firstIndex(of: ":") {
                let source = String(short[..<colon])
                if !source.hasPrefix("/"), !source.hasPrefix("."), !source.hasPrefix("~") { names.insert(source) }
            } else if let long = entry as? [String: Any], long["type"] as? String == "volume", let source = long["source"] as? String {
                names.insert(source)
            }
        }
        return names
    }
}
