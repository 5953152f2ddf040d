import ComposeKit
import Foundation

/// Client tools that read no variable naming their server (`redis-cli`), or
/// whose system copy would look elsewhere (Debian's `/usr/sbin/rabbitmqctl`
/// switches to the rabbitmq account and its cookie), get a wrapper in the
/// instance's own `bin`, first on its `PATH`: a health check written as
/// `redis-cli ping` then reaches its own instance, unedited.
enum ClientToolWrappers {
    /// The directory of wrappers, or nil when the adapter needs none.
    static func write(_ tools: [ClientTool], in directory: String, service: String) throws(UpError) -> String? {
        let wrapped = tools.filter { $0.program != nil }
        guard !wrapped.isEmpty else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for tool in wrapped {
                guard let program = tool.program else { continue }
                let words = ([program] + tool.arguments).map(ShellWords.word).joined(separator: " ")
                let script = "#!/bin/sh\nexec \(words) \"$@\"\n"
                let path = directory + "/" + tool.name
                try script.write(toFile: path, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        } catch {
            throw UpError.cannotStart(service: service, reason: "cannot write its client tool wrappers: \(error.localizedDescription)")
        }
        return directory
    }
}

/// `$NAME` in an adapter's values: expanded from the instance's environment
/// for variables, kept for the shell (double-quoted) in wrapper scripts, so a
/// wrapper reads the port of the instance that runs it.
enum ShellWords {
    static func expand(_ value: String, in environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[dollar...]
            guard let name = variableName(after) else {
                result += "$"
                rest = rest[rest.index(after: dollar)...]
                continue
            }
            result += environment[name] ?? ""
            rest = after.dropFirst(1 + name.count)
        }
        return result + rest
    }

    static func word(_ value: String) -> String {
        if let name = variableName(value), value.count == name.count + 1 { return "\"$\(name)\"" }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The variable a value starts with: `$PORT_5432` → `PORT_5432`.
    private static func variableName(_ value: some StringProtocol) -> String? {
        guard value.hasPrefix("$") else { return nil }
        let name = value.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        return name.isEmpty ? nil : String(name)
    }
}
