/// Compose's short port syntax: `[[host_ip:]published[-range]:]target[-range][/protocol]`,
/// with IPv6 host addresses in brackets. A target range expands to one mapping per port.
enum PortParser {
    struct Failure: Error {
        var message: String
    }

    static func parseShort(_ text: String) throws(Failure) -> [PortMapping] {
        var spec = Substring(text)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = String(spec[spec.index(after: slash)...])
            spec = spec[..<slash]
            guard !proto.isEmpty else { throw bad(text) }
        }
        let (hostIP, remainder) = try splitHostIP(spec, original: text)
        let parts = remainder.split(separator: ":", omittingEmptySubsequences: false)
        let targetText: Substring
        let publishedText: Substring?
        switch parts.count {
        case 1: (publishedText, targetText) = (nil, parts[0])
        case 2: (publishedText, targetText) = (parts[0], parts[1])
        default: throw bad(text)
        }
        let targets = try range(targetText, original: text)
        let published = try publishedText.flatMap { $0.isEmpty ? nil : $0 }.map { published throws(Failure) in try range(published, original: text) }
        if let published, published.count != targets.count, targets.count != 1 {
            throw Failure(message: "port range \"\(text)\" maps \(published.count) host ports onto \(targets.count) container ports; the counts must match")
        }
        return targets.enumerated().map { index, target in
            var mapping = PortMapping(target: target, hostIP: hostIP, protocol: proto)
            if let published {
                if targets.count == 1, published.count > 1 {
                    mapping.publishedRange = published.first!...published.last!
                } else {
                    mapping.published = published[index]
                }
            }
            return mapping
        }
    }

    /// `published` of the long syntax: a port or a range of host ports.
    static func parsePublished(_ text: String) throws(Failure) -> ClosedRange<Int> {
        let ports = try range(Substring(text), original: text)
        return ports.first!...ports.last!
    }

    private static func splitHostIP(_ spec: Substring, original: String) throws(Failure) -> (String?, Substring) {
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else { throw bad(original) }
            let address = String(spec[spec.index(after: spec.startIndex)..<close])
            var rest = spec[spec.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad(original) }
            rest = rest.dropFirst()
            return (address, rest)
        }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return (nil, spec) }
        let address = String(parts[0])
        guard isIPAddress(address) else {
            throw Failure(message: "invalid host IP \"\(address)\" in port \"\(original)\"")
        }
        return (address, spec[parts[1].startIndex...])
    }

    static func isIPAddress(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4 {
            return octets.allSatisfy { octet in
                !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCIIDigit) && (Int(octet) ?? 256) <= 255
            }
        }
        let hexDigits = Set("0123456789abcdefABCDEF:.")
        return text.contains(":") && text.allSatisfy(hexDigits.contains)
    }

    private static func range(_ text: Substring, original: String) throws(Failure) -> [Int] {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2 else { throw bad(original) }
        var numbers: [Int] = []
        for bound in bounds {
            guard let port = Int(bound), bound.allSatisfy(\.isASCIIDigit), (0...65535).contains(port) else {
                throw Failure(message: "invalid port \"\(bound)\" in \"\(original)\": expected a number from 0 to 65535")
            }
            numbers.append(port)
        }
        if numbers.count == 2 {
            guard numbers[0] <= numbers[1] else {
                throw Failure(message: "invalid port range \"\(text)\" in \"\(original)\": the start is above the end")
            }
            return Array(numbers[0]...numbers[1])
        }
        return numbers
    }

    private static func bad(_ text: String) -> Failure {
        Failure(message: "invalid port \"\(text)\": expected [host_ip:][published:]target[/protocol], e.g. \"8080:80\" or \"127.0.0.1:5000-5002:5000-5002/udp\"")
    }
}
