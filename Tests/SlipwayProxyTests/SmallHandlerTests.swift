import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import SlipwayProxy
import Testing

@Suite("Small handlers on EmbeddedChannel")
struct SmallHandlerTests {
    @Test("HeadReadDeadline closes a connection whose head is not complete in time")
    func headReadDeadlineFires() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let deadline = HeadReadDeadline(timeout: .seconds(5))
        deadline.bytesArrived(on: channel)
        loop.advanceTime(by: .seconds(4))
        deadline.bytesArrived(on: channel)
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("HeadReadDeadline is disarmed by a complete head and re-armed by the next request's bytes")
    func headReadDeadlineDisarms() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let deadline = HeadReadDeadline(timeout: .seconds(5))
        deadline.bytesArrived(on: channel)
        deadline.headReceived()
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        deadline.exchangeEnded()
        deadline.bytesArrived(on: channel)
        loop.advanceTime(by: .seconds(6))
        #expect(!channel.isActive)
    }

    @Test("an HTTP client whose head stays incomplete is closed by the exchange handler's head deadline")
    func exchangeHeadDeadline() throws {
        let loop = EmbeddedEventLoop()
        let config = ListenerConfig(
            key: ListenerKey(service: "api", containerPort: 80), port: 0, mode: .http, serviceName: "api",
            limits: ProxyLimits(headerReadTimeout: .seconds(5))
        )
        let state = ListenerState(config: config, eventLoop: loop, accessLog: nil)
        let channel = EmbeddedChannel(handler: HTTPExchangeHandler(state: state), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(channel.allocator.buffer(string: "GET / HT"))
        loop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("IdleWatch closes a connection silent for a whole timeout period, never one with activity in each")
    func idleWatch() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let watch = IdleWatch(timeout: .seconds(10))
        watch.start(closing: channel)
        for _ in 0..<10 {
            loop.advanceTime(by: .seconds(6))
            watch.noteActivity()
        }
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(20))
        #expect(!channel.isActive)
    }

    @Test("HTTPExchangeHandler answers 502 naming the service when no instance is up")
    func exchangeWithoutUpstream() throws {
        let loop = EmbeddedEventLoop()
        let config = ListenerConfig(key: ListenerKey(service: "api", containerPort: 80), port: 0, mode: .http, serviceName: "api")
        let state = ListenerState(config: config, eventLoop: loop, accessLog: nil)
        let handler = HTTPExchangeHandler(state: state)
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(channel.allocator.buffer(string: "GET / HTTP/1.1\r\nhost: a\r\n\r\n"))

        let response = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let text = String(buffer: response)
        #expect(text.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        let body = try #require(text.components(separatedBy: "\r\n\r\n").last)
        #expect(body.contains("\"api\""))
        #expect(text.contains("content-length: \(body.utf8.count)\r\n"))
        #expect(state.noUpstream == 1)
        #expect(channel.isActive)
    }
}
