import Foundation
import SlipwayRuntime

/// How `stats` writes its figures in a table cell: short, and without spaces
/// so the columns stay easy to cut.
enum StatsCellText {
    /// Decimal units with three significant digits, as docker's stats prints them: `0B`, `512B`, `1.23kB`, `45.6MB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        var value = Double(count)
        var unit = 0
        while value >= 999.5, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count)B" : String(format: "%.3g", value) + units[unit]
    }

    /// `250µs`, `2.5ms`, `1s`: the histogram's bucket bounds read naturally.
    static func duration(_ microseconds: Int64) -> String {
        switch microseconds {
        case ..<1_000: "\(microseconds)µs"
        case ..<1_000_000: String(format: "%g", Double(microseconds) / 1_000) + "ms"
        default: String(format: "%g", Double(microseconds) / 1_000_000) + "s"
        }
    }

    /// The non-zero counts by name, `clientClosed=1,connectFailed=2`; `-` when all are zero.
    static func counts(_ counts: [String: Int]) -> String {
        let nonZero = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        return nonZero.isEmpty ? "-" : nonZero.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
