import Foundation
import Synchronization

/// A drill's steps as they happen, each at its time since the drill began;
/// the deploy progress the supervisor streams lands here too, from its own task.
final class DrillTimeline: Sendable {
    let began: Date
    private let entries = Mutex<[DrillTimelineEntry]>([])

    init(began: Date = Date()) {
        self.began = began
    }

    func note(_ event: String, at date: Date = Date()) {
        let entry = DrillTimelineEntry(offsetMilliseconds: Self.milliseconds(from: began, to: date), event: event)
        entries.withLock { entries in
            // Events noted after the fact (read from the log) go where their time says.
            let index = entries.lastIndex { $0.offsetMilliseconds <= entry.offsetMilliseconds }.map { $0 + 1 } ?? 0
            entries.insert(entry, at: index)
        }
    }

    var all: [DrillTimelineEntry] { entries.withLock { $0 } }

    /// Whole milliseconds from `start` to `end`, never negative (the log keeps milliseconds, the clock more).
    static func milliseconds(from start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1000).rounded()))
    }
}
