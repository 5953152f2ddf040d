import NIOCore
import NIOEmbedded
@testable import SlipwayProxy
import Testing

/// Records the read requests that reach the head of a pipeline.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite("GlueHandler on EmbeddedChannel")
struct GlueHandlerTests {
    private func gluedPair() throws -> (client: EmbeddedChannel, upstream: EmbeddedChannel, clientReads: ReadCounter) {
        let loop = EmbeddedEventLoop()
        let client = EmbeddedChannel(loop: loop)
        let upstream = EmbeddedChannel(loop: loop)
        let clientReads = ReadCounter()
        let (clientSide, upstreamSide) = GlueHandler.matchedPair(clientBytesRead: { _ in }, upstreamBytesRead: { _ in }, ended: {})
        try client.pipeline.syncOperations.addHandlers([clientReads, clientSide])
        try upstream.pipeline.syncOperations.addHandler(upstreamSide)
        return (client, upstream, clientReads)
    }

    @Test("bytes read on one side are written and flushed on the other")
    func forwardsBytes() throws {
        let (client, upstream, _) = try gluedPair()
        try client.writeInbound(client.allocator.buffer(string: "hello"))
        #expect(try upstream.readOutbound(as: ByteBuffer.self) == upstream.allocator.buffer(string: "hello"))
        try upstream.writeInbound(upstream.allocator.buffer(string: "world"))
        #expect(try client.readOutbound(as: ByteBuffer.self) == client.allocator.buffer(string: "world"))
    }

    @Test("a side does not read while its partner cannot take more writes, and resumes when it can")
    func readFollowsPartnerWritability() throws {
        let (client, upstream, clientReads) = try gluedPair()
        // A real channel announces every change of its writability; EmbeddedChannel must be told to.
        upstream.isWritable = false
        upstream.pipeline.fireChannelWritabilityChanged()
        client.read()
        #expect(clientReads.reads == 0)
        upstream.isWritable = true
        upstream.pipeline.fireChannelWritabilityChanged()
        #expect(clientReads.reads == 1)
        client.read()
        #expect(clientReads.reads == 2)
    }

    @Test("closing one side closes the other")
    func closePropagates() throws {
        let (client, upstream, _) = try gluedPair()
        try client.close().wait()
        #expect(!upstream.isActive)
    }
}
