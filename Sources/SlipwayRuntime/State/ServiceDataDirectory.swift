import Glibc

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
        let data = state.path + "/data"
        path = data + "/" + service
        for directory in [data, path] where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw UpError.cannotStart(
                service: service, reason: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        guard let owner, owner.uid != geteuid() else { return }
        guard chown(path, owner.uid, owner.gid) == 0 else {
            throw UpError.cannotStart(
                service: service, reason: "cannot give \(path) to its user: \(String(cString: strerror(errno)))")
        }
        chmod(state.path, 0o711)
        chmod(data, 0o711)
    }
}
