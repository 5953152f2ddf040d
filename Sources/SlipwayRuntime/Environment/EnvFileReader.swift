import ComposeKit
import Foundation

/// Reads a service's `env_file` list into variables, as compose does at `up`.
enum EnvFileReader {
    /// Later files override earlier ones. A bare `KEY` takes the supervisor's
    /// value and changes nothing when it has none. `${VAR}` inside a file
    /// resolves from the supervisor's environment first, then from earlier files.
    static func read(
        _ files: [EnvFileReference], service: String, inherited: [String: String]
    ) throws(InstanceEnvironmentError) -> [String: String] {
        var merged: [String: String] = [:]
        for file in files {
            guard let text = try contents(of: file, service: service) else { continue }
            let entries: [(key: String, value: String?)]
            do {
                entries = try DotEnvParser.parse(text, lookup: { inherited[$0] }, fallback: { merged[$0] })
            } catch {
                throw .invalidEnvFile(service: service, path: file.path, error: error)
            }
            for (key, value) in entries {
                if let resolved = value ?? inherited[key] { merged[key] = resolved }
            }
        }
        return merged
    }

    /// nil for a missing optional file.
    private static func contents(of file: EnvFileReference, service: String) throws(InstanceEnvironmentError) -> String? {
        guard FileManager.default.fileExists(atPath: file.path) else {
            if file.required { throw .missingEnvFile(service: service, path: file.path) }
            return nil
        }
        do {
            return try String(contentsOfFile: file.path, encoding: .utf8)
        } catch {
            throw .unreadableEnvFile(service: service, path: file.path, reason: error.localizedDescription)
        }
    }
}
