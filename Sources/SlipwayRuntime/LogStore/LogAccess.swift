import Glibc

/// Whether a log file (or the logs directory) can be read by this process,
/// and if not, why in words: a file that exists but is kept from this user is
/// not "missing", and saying so sends the user the wrong way.
public enum LogAccess: Equatable, Sendable {
    case readable
    case missing
    case unreadable(reason: String)

    public static func of(_ path: String, directory: Bool = false) -> LogAccess {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (directory ? O_DIRECTORY : 0))
        if descriptor >= 0 {
            close(descriptor)
            return .readable
        }
        let code = errno
        switch code {
        case ENOENT: return .missing
        case ELOOP: return .unreadable(reason: "it is a symbolic link, which slipway never follows in a state directory")
        case EACCES: return .unreadable(reason: "permission denied: \(blocker(of: path))")
        default: return .unreadable(reason: String(cString: strerror(code)))
        }
    }

    /// The first directory on the way (or the file itself) this user may not
    /// pass, with its owner and mode, so the user knows whose it is.
    private static func blocker(of path: String) -> String {
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            if access(prefix, X_OK) != 0 { return describe(prefix, need: "enter") }
        }
        return describe(path, need: "read")
    }

    private static func describe(_ path: String, need: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path) cannot be \(need == "read" ? "read" : "entered")" }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)"
        let mode = String(info.st_mode & 0o777, radix: 8)
        return "\(path) belongs to \(owner) (mode \(mode)) and this user may not \(need) it; run the command as \(owner)"
    }
}
