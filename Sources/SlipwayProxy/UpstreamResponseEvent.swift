import NIOCore

/// What `UpstreamResponseParser` finds in an instance's byte stream.
enum UpstreamResponseEvent {
    /// A response head, informational (1xx other than 101) or final.
    case head(UpstreamResponseHead)
    /// Body bytes to pass on: verbatim (chunk framing included) unless the request asked for
    /// de-chunking, in which case only the data.
    case body(ByteBuffer)
    /// The final response is complete.
    case end
}
