import Yams

/// Counts nodes produced by alias expansion and stops "billion laughs" documents
/// with the same ratio rule go-yaml applies for docker compose.
struct AliasExpansion {
    private var seenAnchors = Set<ObjectIdentifier>()
    private var depth = 0
    private var decodeCount = 0
    private var aliasCount = 0

    /// Returns true when `anchor` was seen before, i.e. this node is an alias's copy.
    mutating func enter(_ anchor: Anchor?) -> Bool {
        guard let anchor else { return false }
        let isAlias = !seenAnchors.insert(ObjectIdentifier(anchor)).inserted
        if isAlias { depth += 1 }
        return isAlias
    }

    mutating func leave(_ wasAlias: Bool) {
        if wasAlias { depth -= 1 }
    }

    mutating func count(at position: () -> SourcePosition) throws(YAMLReadError) {
        decodeCount += 1
        if depth > 0 { aliasCount += 1 }
        let ratio = Double(aliasCount) / Double(decodeCount)
        if aliasCount > 100, decodeCount > 1000, ratio > allowedRatio {
            throw YAMLReadError(message: "document contains excessive aliasing", position: position())
        }
    }

    private var allowedRatio: Double {
        switch decodeCount {
        case ...400_000: return 0.99
        case 4_000_000...: return 0.10
        default: return 0.10 + 0.89 * (1 - Double(decodeCount - 400_000) / 3_600_000)
        }
    }
}
