/// `logging`: kept as written for `config`; its `options.max-size` and
/// `options.max-file` become the service's `LogLimits`, each over the
/// default cap. The driver and any other option are accepted and ignored:
/// Slipway always keeps the log itself.
struct LoggingDecoder {
    let reader: ValueReader

    func limits(_ node: YAMLNode, _ path: String) -> LogLimits {
        var limits = LogLimits.standard
        guard let options = node["options"], !options.isNull, let entries = reader.mapping(options, "\(path).options") else {
            return limits
        }
        for entry in entries {
            let optionPath = "\(path).options.\(entry.key)"
            switch entry.key {
            case "max-size":
                let text = entry.value.isNull ? "" : entry.value.scalarText ?? ""
                if text == "-1" {
                    limits.maxSize = nil
                } else if let size = Self.bytes(text) {
                    limits.maxSize = size
                } else {
                    reader.fail(entry.value, optionPath, "expected a size like 10m, 512k or 1g (or -1 for unbounded), got \(reader.describe(entry.value))")
                }
            case "max-file":
                guard let text = entry.value.scalarText, let count = Int(text), count >= 1, count <= Self.maximumFiles else {
                    reader.fail(entry.value, optionPath, "expected a number of files from 1 to \(Self.maximumFiles), got \(reader.describe(entry.value))")
                    continue
                }
                limits.maxFiles = count
            default:
                continue
            }
        }
        return limits
    }

    static let maximumFiles = 1000

    /// Docker's sizes: a number of bytes with an optional `k`, `m` or `g`
    /// (powers of 1024, any case, an optional trailing `b`), at most 1 TiB.
    static func bytes(_ text: String) -> Int? {
        var digits = text.lowercased()
        if digits.hasSuffix("b") { digits.removeLast() }
        var unit = 1
        if let last = digits.last, let scale = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30][String(last)] {
            unit = scale
            digits.removeLast()
        }
        guard let number = Int(digits), number > 0, number <= (1 << 40) / unit else { return nil }
        return number * unit
    }
}
