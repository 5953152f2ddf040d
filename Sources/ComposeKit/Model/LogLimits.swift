/// How large a service's log may grow: compose's `logging.options`
/// `max-size` and `max-file` (the keys of docker's `json-file` and `local`
/// drivers). The log is rotated when a record would take it past `maxSize`,
/// and at most `maxFiles` files are kept, the current one included.
public struct LogLimits: Sendable, Equatable, Codable {
    /// Bytes per file; nil for unbounded (`max-size: -1`).
    public var maxSize: Int?
    public var maxFiles: Int

    public init(maxSize: Int?, maxFiles: Int) {
        self.maxSize = maxSize
        self.maxFiles = maxFiles
    }

    /// Without `logging.options`, docker's `local` driver's cap: 5 files of
    /// 20 MiB, so a chatty service keeps at most 100 MiB.
    public static let standard = LogLimits(maxSize: 20 << 20, maxFiles: 5)
}
