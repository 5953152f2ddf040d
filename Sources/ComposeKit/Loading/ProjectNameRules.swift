/// Compose's project name rules: lower-case letters, digits, `_` and `-`, starting
/// with a letter or digit. A name given imperatively (`-p`, `COMPOSE_PROJECT_NAME`)
/// must already follow them; a file's `name:` and a directory's name are
/// normalized to follow them.
enum ProjectNameRules {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLowerAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    /// compose-go's NormalizeProjectName: lower-cased, characters outside `[a-z0-9_-]`
    /// dropped, leading `_`/`-` trimmed; `"UNNORMALIZED PATH"` → `"unnormalizedpath"`.
    static func normalize(_ name: String) -> String {
        let lowered = name.lowercased().unicodeScalars.filter { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
        let trimmed = lowered.drop { !isLowerAlphanumeric($0) }
        return String(String.UnicodeScalarView(trimmed))
    }

    static func invalidMessage(_ name: String) -> String {
        "invalid project name \"\(name)\": must contain only lower-case letters, digits, dashes and underscores, and start with a letter or digit"
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
