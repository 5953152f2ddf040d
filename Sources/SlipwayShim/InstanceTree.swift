import Glibc

/// Everything one shim answers for: the service's process group, plus any
/// descendant that left it (`setsid`, a daemon's double fork). As child
/// subreaper the shim inherits such orphans instead of init, so it can still
/// find them through the parent links in /proc.
package struct InstanceTree: Sendable {
    package let leader: pid_t

    /// Orphaned descendants become children of this process, not of init.
    package static func adoptOrphans() {
        _ = GNUExtensions.prctl(GNUExtensions.setChildSubreaper, 1, 0, 0, 0)
    }

    /// `number` to the leader's group and to every descendant outside it.
    package func signal(_ number: Int32) {
        killpg(leader, number)
        for pid in escapedDescendants() { kill(pid, number) }
    }

    /// Descendants of this shim that are not in the leader's process group.
    private func escapedDescendants() -> [pid_t] {
        let children = ChildLinks.fromTaskFiles() ?? ChildLinks.fromProcessTable()
        var found: [pid_t] = []
        var pending = [getpid()]
        while let parent = pending.popLast() {
            for child in children(parent) {
                pending.append(child)
                // -1: it has gone since it was listed, and its pid may already be another's.
                let group = getpgid(child)
                if group >= 0 && group != leader { found.append(child) }
            }
        }
        return found
    }
}
