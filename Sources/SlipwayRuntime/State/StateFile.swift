import Glibc

/// A file of the state directory that a run writes whole and a reader must never see half of:
/// written aside, then renamed over the old one.
///
/// It is not synced to disk. Each of these files describes processes of this boot only (a hosts
/// file, the loaded project handed to the supervisor, a process record), so after a power loss
/// there is nothing left for it to describe, while a sync per file cost about 1 ms each, fifty
/// of them on the path of a 50-service `up` before anything started.
enum StateFile {
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let errno: Int32

        var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
    }

    /// Replaces `path` with `bytes`, created afresh with `mode` (`O_EXCL`, `O_NOFOLLOW`: a link
    /// planted where the file goes is never followed).
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t) throws(WriteError) {
        let aside = path + ".tmp"
        unlink(aside)
        let descriptor = open(aside, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteError(path: aside, errno: Glibc.errno) }
        // The mode given to open is narrowed by the umask; these files need exactly theirs.
        _ = fchmod(descriptor, mode)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && Glibc.errno == EINTR { continue }
            guard count > 0 else {
                let error = Glibc.errno
                close(descriptor)
                unlink(aside)
                throw WriteError(path: aside, errno: error)
            }
            written += count
        }
        close(descriptor)
        guard rename(aside, path) == 0 else {
            let error = Glibc.errno
            unlink(aside)
            throw WriteError(path: path, errno: error)
        }
    }
}
