import NIOCore

/// Splits a byte stream into lines (without the newline). A line longer than
/// `maximumLength` is passed on in pieces rather than dropped, and a last
/// line without a newline is passed on when the stream ends.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    var maximumLength = 16 * 1024

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex
            let line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            context.fireChannelRead(Self.wrapInboundOut(line.droppingCarriageReturn()))
            return .continue
        }
        if buffer.readableBytes >= maximumLength {
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: maximumLength)!))
            return .continue
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        }
        return .needMoreData
    }
}

extension ByteBuffer {
    fileprivate func droppingCarriageReturn() -> ByteBuffer {
        guard readableBytesView.last == UInt8(ascii: "\r") else { return self }
        return getSlice(at: readerIndex, length: readableBytes - 1)!
    }
}
