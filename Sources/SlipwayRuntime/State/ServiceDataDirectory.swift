import Glibc
import SlipwayShim

/// `SLIPWAY_DATA_DIR`: a directory per service under the state directory
/// (`data/<service>`) that survives restarts and later `up`s — where a
/// database keeps its files, the way a container keeps a named volume.
///
/// It is owned by the user the service runs as. For a service switched to
/// another user (`user: postgres` under a root supervisor) that user must be
/// able to walk down to it, so the state directory and `data/` then get the
/// search bit for others (0711): nobody else can list or read anything in
/// them, and logs and records stay 0700/0600.
struct ServiceDataDirectory {
    let path: String

    init(state: StateDirectory, service: String, owner: Account?) throws(UpError) {
        try self.init(state: state, components: ["data", service], service: service, owner: owner)
    }

    /// A directory `components` deep under the state directory (`volumes/<name>`,
    /// `images/<service>`), made and owned the same way.
    init(state: StateDirectory, components: [String], service: String, owner: Account?) throws(UpError) {
        var directories: [String] = []
        for component in components { directories.append((directories.last ?? state.path) + "/" + component) }
        path = directories.last ?? state.path
        for directory in directories where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw UpError.cannotStart(
                service: service, reason: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw UpError.cannotStart(
                service: service, reason: "\(path) is not a directory (a symbolic link?); remove it and start again")
        }
        guard let owner, owner.uid != geteuid() else { return }
        guard chown(path, owner.uid, owner.gid) == 0 else {
            throw UpError.cannotStart(
                service: service, reason: "cannot give \(path) to its user: \(String(cString: strerror(errno)))")
        }
        chmod(state.path, 0o711)
        for parent in directories.dropLast() { chmod(parent, 0o711) }
        if let problem = Self.reachProblem(state: state, service: service, owner: owner) {
            throw UpError.cannotStart(service: service, reason: problem)
        }
    }

    /// Why `owner` could not walk down to its data directory under `state`, if it could not;
    /// asked before the state directory is prepared too, so nothing is made for a stack that
    /// cannot run.
    static func reachProblem(state: StateDirectory, service: String, owner: Account) -> String? {
        guard let blocked = firstUnsearchableAncestor(of: state.path, by: owner) else { return nil }
        let project = state.path.split(separator: "/").last.map(String.init) ?? "project"
        return "user \(owner.name ?? String(owner.uid)) of service \(service) cannot reach its data directory "
            + "\(state.path)/data/\(service): \(blocked.path) (mode \(String(blocked.mode, radix: 8))) is not searchable "
            + "by it; give the project a state directory it can reach, e.g. --state-dir /var/lib/slipway/\(project)"
    }

    /// The nearest directory above `path` the user may not walk through (as
    /// `/root`, 0700, is for `postgres`). Supplementary groups are not
    /// considered, so a directory reachable only through one is reported too.
    private static func firstUnsearchableAncestor(of path: String, by owner: Account) -> (path: String, mode: mode_t)? {
        var ancestor = path
        while let slash = ancestor.lastIndex(of: "/"), slash != ancestor.startIndex {
            ancestor = String(ancestor[..<slash])
            var info = stat()
            guard stat(ancestor, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            let searchable = mode & 0o001 != 0 || (info.st_uid == owner.uid && mode & 0o100 != 0)
                || (info.st_gid == owner.gid && mode & 0o010 != 0)
            if !searchable { return (ancestor, mode) }
        }
        return nil
    }
}
