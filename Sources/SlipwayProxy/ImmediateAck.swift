#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Acknowledges what an instance sent at once instead of after the kernel's delayed-ACK timer.
///
/// An instance that writes a response in two small writes (head, then body) with Nagle's
/// algorithm on, as Python's `http.server` does, holds the second write back until the first is
/// acknowledged; on a pooled keep-alive connection Linux delays that acknowledgement by up to
/// 40 ms, so every such response would take 40 ms longer through the proxy than on a fresh
/// connection. Asking for a quick ACK while a response is incomplete releases the rest at once,
/// and costs nothing on the common path, where a response arrives in one read.
enum ImmediateAck {
    #if os(Linux)
    private static let quickAck = ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: TCP_QUICKACK))
    #endif

    static func send(on channel: any Channel) {
        #if os(Linux)
        try? channel.syncOptions?.setOption(quickAck, value: 1)
        #endif
    }
}
