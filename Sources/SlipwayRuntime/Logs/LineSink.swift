/// Receives a service's output one line at a time (on an event-loop thread).
public protocol LineSink: Sendable {
    func receive(_ line: String)
    /// A line from one of the process's outputs; sinks that keep the stream
    /// (the log file) implement this, others get every line as `receive(_:)`.
    func receive(_ line: String, stream: LogStream)
}

extension LineSink {
    public func receive(_ line: String, stream: LogStream) {
        receive(line)
    }
}
