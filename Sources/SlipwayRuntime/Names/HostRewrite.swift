import Foundation

/// The fallback where a private `/etc/hosts` cannot be had: a service name
/// standing as a host in an environment value is replaced by the service's
/// address (`postgres://u:p@db:5432/x`, `REDIS_HOST=redis`), and a
/// `name:port` whose port fell back to another is rewritten whole. Names in
/// command arguments or config files are out of its reach.
public struct HostRewrite: Sendable, Equatable {
    /// name → address.
    public var addresses: [String: String]
    /// name → container port → the port that stands for it at the address,
    /// only where the container port itself could not be had.
    public var movedPorts: [String: [Int: Int]]
    /// Whether bare names are rewritten (no namespaces), or only moved ports.
    public var rewritesNames: Bool

    public init(addresses: [String: String], movedPorts: [String: [Int: Int]], rewritesNames: Bool) {
        self.addresses = addresses
        self.movedPorts = movedPorts
        self.rewritesNames = rewritesNames
    }

    public func apply(to environment: [String: String]) -> [String: String] {
        let names = longestFirst
        return environment.mapValues { rewrite($0, names: names) }
    }

    func rewrite(_ value: String) -> String {
        rewrite(value, names: longestFirst)
    }

    /// Longer names first, so `db` never rewrites inside `db-replica`.
    private var longestFirst: [(name: String, address: String)] {
        addresses.sorted { $0.key.count > $1.key.count }.map { ($0.key, $0.value) }
    }

    /// Only names the value contains are matched: a regular expression per
    /// name and value made every instance of a 50-service project cost about
    /// 12 ms of the supervisor's time before it could start.
    private func rewrite(_ value: String, names: [(name: String, address: String)]) -> String {
        var result = value
        for (name, address) in names where result.contains(name) {
            let host = rewritesNames ? address : name
            for (target, port) in movedPorts[name] ?? [:] {
                result = replace(name: "\(name):\(target)", with: "\(host):\(port)", in: result)
            }
            if rewritesNames {
                if result == name { return address }
                result = replace(name: name, with: address, in: result)
            }
        }
        return result
    }

    /// Replaces `name` where it stands as a host: after `//` or `@` (or a
    /// comma of a host list), followed by a port, path, query, comma or the end.
    private func replace(name: String, with replacement: String, in value: String) -> String {
        let pattern = "(^|//|@|,)" + NSRegularExpression.escapedPattern(for: name) + "(?=[:/?,]|$)"
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return value }
        let template = "$1" + NSRegularExpression.escapedTemplate(for: replacement)
        return expression.stringByReplacingMatches(
            in: value, range: NSRange(value.startIndex..., in: value), withTemplate: template)
    }
}
