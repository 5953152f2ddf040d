/// Why the proxy answered a request itself instead of forwarding it; counted per listener.
public enum RequestRefusalKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The head was larger than the limit (431).
    case headTooLarge
    /// The request line or a header line could not be read unambiguously (400).
    case malformedHead
    /// A line of the head ended in a bare LF (400): the instance might split it elsewhere.
    case bareLineFeed
    /// An HTTP/1.1 request without `Host`, any request with two, or an absolute-form target
    /// without a usable host (400).
    case invalidHost
    /// The chunked body's framing was malformed, or a chunk size overflowed (400).
    case malformedChunkedBody
    /// `Transfer-Encoding` named a coding other than a single `chunked` (501, as nginx answers).
    case unsupportedTransferCoding
}
