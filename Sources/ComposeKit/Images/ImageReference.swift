/// An `image:` value split into the parts an adapter cares about:
/// `docker.io/library/postgres:15.4-alpine@sha256:…` → `postgres`, `15.4-alpine`.
/// Only official images (no namespace other than `library`) have adapters.
public struct ImageReference: Sendable, Equatable {
    /// The repository name, lower-case (`postgres`); includes any namespace
    /// other than docker's `library` (`bitnami/postgresql`).
    public var name: String
    /// nil when the reference names no tag (docker's `latest`).
    public var tag: String?

    public init(name: String, tag: String? = nil) {
        self.name = name
        self.tag = tag
    }

    public init(parsing text: String) {
        var reference = Substring(text)
        if let at = reference.firstIndex(of: "@") { reference = reference[..<at] }
        var tag: String?
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            tag = String(reference[reference.index(after: colon)...])
            reference = reference[..<colon]
        }
        var components = reference.split(separator: "/").map(String.init)
        if components.count > 1, let host = components.first, host.contains(".") || host.contains(":") || host == "localhost" {
            components.removeFirst()
        }
        if components.count > 1, components.first == "library" { components.removeFirst() }
        name = components.joined(separator: "/").lowercased()
        self.tag = tag.flatMap { $0.isEmpty || $0 == "latest" ? nil : $0 }
    }

    /// The leading number of the tag: `15` for `15`, `15.4` and `15-alpine`;
    /// nil for no tag, `latest` or `alpine`.
    public var major: Int? {
        guard let tag else { return nil }
        let digits = tag.prefix(while: \.isNumber)
        return digits.isEmpty ? nil : Int(digits)
    }
}
