/// Which output of the process a line came from, as written in the log file.
public enum LogStream: String, Sendable, Codable, Equatable {
    case out
    case err
}
