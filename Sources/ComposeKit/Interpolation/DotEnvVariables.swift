/// The variables of one env file as they are read: file order, one entry per key.
struct DotEnvVariables {
    private(set) var entries: [(key: String, value: String?)] = []
    private var positions: [String: Int] = [:]

    /// The value a later `${key}` in the same file sees.
    subscript(key: String) -> String? {
        positions[key].flatMap { entries[$0].value }
    }

    mutating func assign(_ key: String, _ value: String) {
        set(key, value)
    }

    /// A bare `KEY` takes the environment's value; compose keeps an earlier value of
    /// the file when the environment has none.
    mutating func inherit(_ key: String, available: Bool) {
        if available || self[key] == nil { set(key, nil) }
    }

    private mutating func set(_ key: String, _ value: String?) {
        if let position = positions[key] {
            entries[position].value = value
        } else {
            positions[key] = entries.count
            entries.append((key, value))
        }
    }
}
