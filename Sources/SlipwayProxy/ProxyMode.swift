/// How a listener forwards: raw bytes per connection, or HTTP/1.1 requests routed one by one.
public enum ProxyMode: String, Sendable, Hashable, CaseIterable {
    case tcp
    case http
}
