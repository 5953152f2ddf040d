import ComposeKit

/// Where a container path of an adapter's service is on this machine: under
/// the mount that covers it (the longest target that is a prefix, as the
/// kernel resolves mounts), a named volume being `<state>/volumes/<name>`;
/// a path no mount covers (or an anonymous volume) lives in the service's
/// own `data/<service>`, which survives `down` as before.
struct ImageDataLocation: Equatable {
    /// The directory the mount provides (to create and give to the account).
    var root: String
    /// `root` plus the rest of the container path.
    var path: String
    var volume: String?

    init(containerPath: String, mounts: [VolumeMount], state: StateDirectory, service: String) {
        let covering = mounts
            .filter { containerPath == $0.target || containerPath.hasPrefix($0.target.hasSuffix("/") ? $0.target : $0.target + "/") }
            .max { $0.target.count < $1.target.count }
        let rest = covering.map { String(containerPath.dropFirst($0.target.count)) } ?? ""
        switch covering?.source {
        case .volume(let name)?:
            root = state.volumePath(name)
            volume = name
        case .bind(let host)?:
            root = host
            volume = nil
        case .anonymous?, nil:
            root = "\(state.path)/data/\(service)"
            volume = nil
        }
        let trimmed = rest.hasPrefix("/") ? String(rest.dropFirst()) : rest
        path = trimmed.isEmpty ? root : root + "/" + trimmed
    }
}
