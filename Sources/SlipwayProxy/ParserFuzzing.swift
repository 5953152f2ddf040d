import NIOCore

/// The byte-level readers a client or an instance can reach with arbitrary bytes, exposed to
/// the fuzzer (`slipway-fuzz`) only.
@_spi(Fuzzing)
public enum ParserFuzzing {
    /// Feeds `bytes` to the request and response head readers, as a whole and up to the head's
    /// boundary as the parsers do, and to the chunked scanner in two pieces, both ways it runs.
    public static func exercise(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        if let end = HeadBoundary.end(in: buffer, from: 0), let head = buffer.getSlice(at: buffer.readerIndex, length: end) {
            _ = try? RequestHeadReader.read(head)
            _ = try? ResponseHeadReader.read(head)
        }
        _ = try? RequestHeadReader.read(buffer)
        _ = try? ResponseHeadReader.read(buffer)
        for dechunk in [false, true] {
            scanChunked(buffer, dechunk: dechunk)
        }
    }

    /// Split so the scanner's state crosses a read boundary, as it does on a socket.
    private static func scanChunked(_ buffer: ByteBuffer, dechunk: Bool) {
        var scanner = ChunkedBodyScanner(dechunk: dechunk)
        var rest = buffer
        var first = rest.readSlice(length: rest.readableBytes / 2)!
        guard let (_, done) = try? scanner.scan(&first), !done else { return }
        _ = try? scanner.scan(&rest)
    }
}
