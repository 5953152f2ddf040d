import NIOCore

/// Splits the byte stream into newline-terminated JSON lines; a line longer
/// than `maximumLength` closes the connection instead of filling memory.
struct ControlLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard buffer.readableBytes <= maximumLength else { throw ControlLineTooLong(maximumLength: maximumLength) }
            return .needMoreData
        }
        let line = buffer.readSlice(length: newline - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

struct ControlLineTooLong: Error, CustomStringConvertible {
    let maximumLength: Int
    var description: String { "a control message longer than \(maximumLength) bytes" }
}

/// Wraps a connected channel of the control socket for async use.
enum ControlChannel {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func wrap(_ channel: any Channel, maximumLineLength: Int) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(ControlLineDecoder(maximumLength: maximumLineLength)))
            return try Connection(wrappingChannelSynchronously: channel)
        }
    }
}
