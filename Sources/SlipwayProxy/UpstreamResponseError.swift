/// An instance's response that the proxy cannot pass on.
struct UpstreamResponseError: Error, CustomStringConvertible {
    var description: String
}
