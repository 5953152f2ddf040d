import Foundation
import NIOCore

/// Collects raw bytes until a request head (and its content-length body) is complete.
private struct RawRequestReader {
    private var buffered = ""

    /// Returns each complete request's head as it becomes complete.
    mutating func append(_ buffer: ByteBuffer) -> [String] {
        buffered += String(buffer: buffer)
        var requests: [String] = []
        while let end = buffered.range(of: "\r\n\r\n") {
            let head = String(buffered[..<end.lowerBound])
            let length = head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyStart = end.upperBound
            guard buffered.utf8.distance(from: bodyStart.samePosition(in: buffered.utf8)!, to: buffered.utf8.endIndex) >= length
            else { break }
            let bodyEnd = buffered.utf8.index(bodyStart.samePosition(in: buffered.utf8)!, offsetBy: length)
            buffered = String(buffered[bodyEnd...])
            requests.append(head)
        }
        return requests
    }
}

/// Answers the first request of a connection and keeps it open, then closes the connection on
/// the next request without answering: an instance that dropped an idle keep-alive connection
/// just as the proxy reused it.
final class StaleKeepAliveHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var reader = RawRequestReader()
    private var answered = 0
    private let counters: BackendCounters

    init(counters: BackendCounters) {
        self.counters = counters
        counters.connectionAccepted()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for _ in reader.append(Self.unwrapInboundIn(data)) {
            guard answered == 0 else {
                context.close(promise: nil)
                return
            }
            answered += 1
            counters.requestReceived()
            let response = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
            context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
        }
    }
}

/// Accepts one upgrade request with 101 and then echoes every byte back.
final class UpgradeEchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var reader = RawRequestReader()
    private var upgraded = false
    private let seenHeads: ReceivedBytes

    init(seenHeads: ReceivedBytes) {
        self.seenHeads = seenHeads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        if upgraded {
            context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
            return
        }
        guard let head = reader.append(buffer).first else { return }
        seenHeads.append(context.channel.allocator.buffer(string: head))
        upgraded = true
        let response = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n"
        context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
    }
}

/// Answers `/chunked` with a chunked body and trailer, `/close` with an HTTP/1.0 body that ends
/// when it closes the connection, `/truncated` with a head whose hop-by-hop header the proxy
/// drops and 4 of its 10 body bytes before closing, anything else with a small content-length body.
final class FramingVariantsHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var reader = RawRequestReader()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for head in reader.append(Self.unwrapInboundIn(data)) {
            let path = head.split(separator: " ").dropFirst().first ?? ""
            switch path {
            case "/chunked":
                write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\nx-sum: 7\r\n\r\n", context)
            case "/close":
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: "HTTP/1.0 200 OK\r\n\r\nuntil-close"))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            case "/truncated":
                let response = "HTTP/1.1 200 OK\r\nconnection: keep-alive\r\ncontent-length: 10\r\n\r\npart"
                context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: response))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
                return
            default:
                write("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nplain", context)
            }
        }
    }

    private func write(_ text: String, _ context: ChannelHandlerContext) {
        context.writeAndFlush(Self.wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }
}
