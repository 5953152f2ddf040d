import ComposeKit
import Foundation

/// An instance's environment, per DESIGN.md: the supervisor's own, then
/// `env_file` entries, then `environment`, then `PORT`/`PORT_<T>` and the
/// dependencies' `<NAME>_SERVICE_HOST`/`_PORT`.
enum LaunchEnvironment {
    static func build(
        service: Service, base: [String: String], privatePorts: [Int: Int], dependencyAddresses: [String: String]
    ) throws(UpError) -> [String: String] {
        var environment = base
        for file in service.envFiles {
            guard let text = try? String(contentsOfFile: file.path, encoding: .utf8) else {
                if file.required { throw UpError.cannotStart(service: service.name, reason: "env_file \(file.path) cannot be read") }
                continue
            }
            environment.merge(parse(text)) { $1 }
        }
        for (key, value) in service.environment {
            if let value { environment[key] = value } else { environment[key] = nil }
        }
        for (target, port) in privatePorts { environment["PORT_\(target)"] = String(port) }
        if let first = service.containerPorts.first, let port = privatePorts[first] { environment["PORT"] = String(port) }
        environment.merge(dependencyAddresses) { $1 }
        return environment
    }

    /// `KEY=value` lines; `#` comments, blank lines, `export ` and quotes allowed.
    static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("export ") { line.removeFirst(7) }
            guard let split = line.firstIndex(of: "=") else { continue }
            let key = line[..<split].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: split)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            result[key] = value
        }
        return result
    }
}
