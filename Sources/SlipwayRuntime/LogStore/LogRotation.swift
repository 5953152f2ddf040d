import Glibc

/// The files of a rotated log, docker's way: `web.log` is written, `web.log.1`
/// is the one before it, up to `web.log.<maxFiles - 1>`, the oldest.
enum LogRotation {
    static func rotated(_ path: String, _ generation: Int) -> String {
        "\(path).\(generation)"
    }

    /// Every existing file of the log, oldest first, `path` itself last
    /// (even when it does not exist yet).
    static func files(of path: String) -> [String] {
        var older: [String] = []
        var generation = 1
        while access(rotated(path, generation), F_OK) == 0 {
            older.append(rotated(path, generation))
            generation += 1
        }
        return older.reversed() + [path]
    }

    /// Drops the oldest file and renames each other one a generation up, so
    /// `path` is free and at most `maxFiles - 1` rotated files remain.
    /// `rename` never follows a link, and the directory is the state
    /// directory's private `logs/`.
    static func shift(_ path: String, keeping maxFiles: Int) {
        var generation = 1
        while access(rotated(path, generation), F_OK) == 0 { generation += 1 }
        for stale in stride(from: generation - 1, through: max(maxFiles - 1, 1), by: -1) {
            unlink(rotated(path, stale))
        }
        let kept = min(generation - 1, maxFiles - 2)
        if kept >= 1 {
            for older in stride(from: kept, through: 1, by: -1) {
                rename(rotated(path, older), rotated(path, older + 1))
            }
        }
        if maxFiles > 1 {
            rename(path, rotated(path, 1))
        } else {
            unlink(path)
        }
    }
}
