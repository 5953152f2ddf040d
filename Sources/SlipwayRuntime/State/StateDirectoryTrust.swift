import Glibc

/// Whether a directory of a state directory may be used: a directory (not a
/// symbolic link, except the state directory itself, which the user names),
/// owned by the effective user, not writable by group or others. Each refusal
/// says how to put it right.
enum StateDirectoryTrust {
    static func check(_ directory: String, followLink: Bool, in state: StateDirectory) throws(StateDirectoryError) {
        var info = stat()
        let found = followLink ? stat(directory, &info) : lstat(directory, &info)
        guard found == 0 else {
            throw StateDirectoryError(path: state.path, reason: "cannot inspect \(directory): \(String(cString: strerror(errno)))")
        }
        let remedy = "remove it (rm -rf \(directory)) or choose another state directory with --state-dir"
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let what = info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a directory"
            throw StateDirectoryError(path: state.path, reason: "\(directory) is \(what); \(remedy)")
        }
        let user = geteuid()
        guard info.st_uid == user else {
            throw StateDirectoryError(
                path: state.path,
                reason: "\(directory) is owned by \(userName(info.st_uid)), not by \(userName(user)) who runs slipway, "
                    + "so its owner could redirect what slipway writes there; \(remedy)")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o022 == 0 else {
            throw StateDirectoryError(
                path: state.path,
                reason: "\(directory) is writable by others (mode \(String(mode, radix: 8))), who could redirect what slipway "
                    + "writes there; make it private (chmod 700 \(directory)) after checking its contents, or \(remedy)")
        }
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid) else { return "uid \(uid)" }
        return "\(String(cString: entry.pointee.pw_name)) (uid \(uid))"
    }
}
