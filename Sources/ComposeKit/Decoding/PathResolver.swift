import Foundation

/// Resolves paths written in compose files the way compose does: relative to a
/// base directory, `~` to the home directory, with `.` and `..` folded.
enum PathResolver {
    static func absolute(_ path: String, relativeTo base: String) -> String {
        var expanded = path
        if expanded == "~" || expanded.hasPrefix("~/") {
            expanded = NSHomeDirectory() + expanded.dropFirst()
        }
        let joined = expanded.hasPrefix("/") ? expanded : base + "/" + expanded
        return normalize(joined)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func directory(of path: String) -> String {
        normalize((path as NSString).deletingLastPathComponent)
    }
}
