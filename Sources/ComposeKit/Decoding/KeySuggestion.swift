/// What to tell a user who wrote an unknown key: the closest known key when it
/// looks like a typo, else the list (when it is short enough to read).
enum KeySuggestion {
    static func hint(for key: String, among allowed: Set<String>) -> String {
        let ranked = allowed.map { (name: $0, distance: distance(key, $0)) }.min { ($0.distance, $0.name) < ($1.distance, $1.name) }
        if let best = ranked, best.distance <= max(2, key.count / 3) {
            return "did you mean \"\(best.name)\"?"
        }
        if allowed.count <= 12 {
            return "expected one of: \(allowed.sorted().joined(separator: ", "))"
        }
        return "not a key the compose specification defines here"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let left = Array(a), right = Array(b)
        var previous = Array(0...right.count)
        for (i, leftCharacter) in left.enumerated() {
            var current = [i + 1]
            for (j, rightCharacter) in right.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (leftCharacter == rightCharacter ? 0 : 1)))
            }
            previous = current
        }
        return previous[right.count]
    }
}
