/// The access log file could not be used.
public enum AccessLogError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the access log \(path): \(reason)"
        }
    }
}
