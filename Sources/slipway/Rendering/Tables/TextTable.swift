import Foundation
import SlipwayRuntime

/// Columns padded to their widest cell and three spaces apart, as docker
/// prints its tables; the last column is not padded.
enum TextTable {
    /// Header first, without trailing spaces.
    static func lines(headers: [String], rows: [[String]]) -> [String] {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            let cells = row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            return String(cells.joined(separator: "   ").reversed().drop { $0 == " " }.reversed())
        }
    }
}
