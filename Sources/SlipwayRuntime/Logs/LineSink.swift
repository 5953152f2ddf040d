/// Receives a service's output one line at a time (on an event-loop thread).
public protocol LineSink: Sendable {
    func receive(_ line: String)
}
