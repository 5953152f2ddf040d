import Dispatch
import Glibc

/// SIGINT and SIGTERM as an async sequence, delivered by dispatch sources
/// instead of a signal handler, so the supervisor reacts in ordinary code.
public enum TerminationSignals {
    public static func stream(_ signals: [Int32] = [SIGINT, SIGTERM]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "slipway.signals")
        let sources = SignalSources(signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        })
        continuation.onTermination = { _ in queue.async { sources.cancel() } }
        return stream
    }
}

/// Keeps the dispatch sources alive until the stream ends.
// @unchecked Sendable: `sources` is written once in init, before the object is
// shared, and afterwards only read, by `cancel()` on the sources' own queue.
private final class SignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
