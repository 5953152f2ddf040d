import Glibc

package struct UserSwitchError: Error {
    package var message: String
}

/// A resolved `user:` value.
package struct Account {
    package var name: String?
    package var uid: uid_t
    package var gid: gid_t
    package var home: String?

    package init(resolving spec: String) throws(UserSwitchError) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let userPart = parts.first, !userPart.isEmpty else { throw UserSwitchError(message: "empty user") }
        let entry = UInt32(userPart).map { getpwuid($0) } ?? getpwnam(userPart)
        if let entry {
            name = String(cString: entry.pointee.pw_name)
            uid = entry.pointee.pw_uid
            gid = entry.pointee.pw_gid
            home = String(cString: entry.pointee.pw_dir)
        } else if let numeric = UInt32(userPart) {
            uid = numeric
            gid = 0
        } else {
            throw UserSwitchError(message: "no such user")
        }
        if parts.count == 2 { gid = try Self.group(parts[1]) }
    }

    private static func group(_ spec: String) throws(UserSwitchError) -> gid_t {
        if let numeric = UInt32(spec) { return numeric }
        guard let entry = getgrnam(spec) else { throw UserSwitchError(message: "no such group \(spec)") }
        return entry.pointee.gr_gid
    }

    /// Groups first, then gid, then uid: after setuid nothing else is allowed.
    package func become() throws(UserSwitchError) {
        let groupsSet = name.map { initgroups($0, gid) } ?? setgroups(0, nil)
        guard groupsSet == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            throw UserSwitchError(message: String(cString: strerror(errno)))
        }
        if let home { setenv("HOME", home, 1) }
    }
}
