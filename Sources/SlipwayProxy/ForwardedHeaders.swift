import NIOHTTP1

/// Rewrites request heads as they go to the instance: hop-by-hop headers stay on
/// their own hop, the `X-Forwarded-*` headers tell the instance who the client was.
enum ForwardedHeaders {
    /// Headers that describe one connection and must not be forwarded (RFC 9110 §7.6.1).
    private static let hopByHop = ["connection", "keep-alive", "proxy-connection", "te", "upgrade"]

    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers.contains(name: "upgrade")
            && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }

    /// The head sent to the instance: always HTTP/1.1 keep-alive, unless it asks for an upgrade.
    static func upstreamRequestHead(from head: HTTPRequestHead, clientAddress: String?, upgrade: Bool) -> HTTPRequestHead {
        var headers = head.headers
        let upgradeProtocol = headers.first(name: "upgrade")
        removeHopByHop(from: &headers)
        if upgrade, let upgradeProtocol {
            headers.add(name: "connection", value: "upgrade")
            headers.add(name: "upgrade", value: upgradeProtocol)
        }
        if let clientAddress {
            if let earlier = headers.first(name: "x-forwarded-for") {
                headers.replaceOrAdd(name: "x-forwarded-for", value: "\(earlier), \(clientAddress)")
            } else {
                headers.add(name: "x-forwarded-for", value: clientAddress)
            }
        }
        headers.replaceOrAdd(name: "x-forwarded-proto", value: "http")
        if let host = headers.first(name: "host") {
            headers.replaceOrAdd(name: "x-forwarded-host", value: host)
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    /// Most messages carry no hop-by-hop header at all, so one scan decides whether the
    /// (comparatively costly) removals are needed.
    private static func removeHopByHop(from headers: inout HTTPHeaders) {
        guard headers.contains(where: { name, _ in isHopByHop(name) }) else { return }
        for token in headers[canonicalForm: "connection"] {
            headers.remove(name: String(token))
        }
        for name in hopByHop {
            headers.remove(name: name)
        }
    }

    private static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2, 7, 10, 16: hopByHop.contains { $0.utf8.count == name.utf8.count && name.lowercased() == $0 }
        default: false
        }
    }
}
