/// One HTTP exchange as written to the access log.
struct AccessLogEntry {
    var unixTimeMilliseconds: Int64
    var service: String
    var instance: InstanceID?
    var client: String
    var method: String
    var target: String
    var status: Int
    var bytesIn: Int64
    var bytesOut: Int64
    var durationMicroseconds: Int64
    var error: ProxyErrorKind?

    /// The entry as one JSON object followed by a newline.
    var jsonLine: String {
        var line = "{\"ts\":\(unixTimeMilliseconds / 1000).\(threeDigits(unixTimeMilliseconds % 1000))"
        line += ",\"service\":\(jsonString(service))"
        line += ",\"instance\":\(instance.map(jsonString) ?? "null")"
        line += ",\"client\":\(jsonString(client))"
        line += ",\"method\":\(jsonString(method))"
        line += ",\"target\":\(jsonString(target))"
        line += ",\"status\":\(status)"
        line += ",\"bytes_in\":\(bytesIn),\"bytes_out\":\(bytesOut)"
        line += ",\"duration_us\":\(durationMicroseconds)"
        line += ",\"error\":\(error.map { jsonString($0.rawValue) } ?? "null")}\n"
        return line
    }

    private func threeDigits(_ value: Int64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    private func jsonString(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
