import ComposeKit
import Foundation

/// A deployment's snapshot read back as the service it describes, for a
/// rollback to it. The snapshot is the service as `config` renders it
/// (interpolated, paths absolute), so it is loaded without interpolation, as
/// written (key order included, so it renders to the same snapshot again),
/// in a project that declares the networks and named volumes it names and
/// stands in a healthy no-op service for each service it depends on. Its
/// `depends_on` is then the caller's to set: a rollback keeps the running
/// service's dependencies.
enum SnapshotDefinition {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func service(_ name: String, project: String, snapshot: String) throws(Unreadable) -> Service {
        guard let data = snapshot.data(using: .utf8),
              let definition = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw Unreadable(description: "the snapshot of \(name) is not a JSON object") }
        let stand = #"{"command": ["true"], "healthcheck": {"test": ["CMD", "true"]}}"#
        let services = [quoted(name) + ": " + snapshot]
            + dependencies(definition).filter { $0 != name }.sorted().map { quoted($0) + ": " + stand }
        let document = """
            {"name": \(quoted(project)), "services": {\(services.joined(separator: ", "))},
             "networks": {\(networks(definition).sorted().map { quoted($0) + ": {}" }.joined(separator: ", "))},
             "volumes": {\(namedVolumes(definition).sorted().map { quoted($0) + ": {}" }.joined(separator: ", "))}}
            """
        let options = LoadOptions(
            files: ["-"], projectName: project, environment: [:], workingDirectory: "/", interpolate: false,
            requestedServices: [name], standardInput: { document })
        let loaded: Project
        do {
            loaded = try ProjectLoader(options: options).load().project
        } catch {
            throw Unreadable(description: "the snapshot of \(name) no longer loads: \(error)")
        }
        guard let service = loaded.services[name] else { throw Unreadable(description: "the snapshot does not describe \(name)") }
        return service
    }

    /// A JSON string literal.
    private static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    private static func dependencies(_ definition: [String: Any]) -> Set<String> {
        if let list = definition["depends_on"] as? [String] { return Set(list) }
        if let map = definition["depends_on"] as? [String: Any] { return Set(map.keys) }
        return []
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
