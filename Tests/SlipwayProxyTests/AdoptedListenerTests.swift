#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import SlipwayProxy
import Testing

/// A listening socket made elsewhere (inside an instance's own network namespace, in the
/// runtime) served as a listener: the proxy accepts on the descriptor it is given.
@Suite("adopted listeners", .timeLimit(.minutes(3)))
struct AdoptedListenerTests {
    @Test("a socket already listening is served and routed like a bound listener")
    func servesAnAdoptedSocket() async throws {
        try await ProxyFixture.with { fixture in
            let backend = try await TCPTestServer.start(group: fixture.group) { EchoHandler() }
            let socket = try LoopbackSocket(listenBacklog: 16)
            let key = ListenerKey(service: "web-1#netns@127.0.0.1", containerPort: 8000)
            let listener = try await fixture.proxy.addListener(
                ListenerConfig(key: key, port: 8000, serviceName: "web-1"), adopting: socket.descriptor)
            try await fixture.proxy.setUpstream(Upstream(instance: "web-1", port: backend.port), for: key)
            #expect(listener.boundPort == socket.port)

            let client = try await TCPTestClient.connect(port: socket.port, group: fixture.group)
            try await client.send("ping")
            #expect(try await eventually { client.text == "ping" })
            await client.close()
            #expect(try await eventually { await fixture.proxy.stats().instance("web-1")?.connections == 1 })

            await fixture.proxy.removeListener(key)
            #expect(Self.refused(socket), "removing the listener closes the adopted socket")
            try await backend.stop()
        }
    }

    @Test("removing a listener stops it accepting even while another descriptor refers to its socket")
    func removalStopsAcceptingDespiteACopy() async throws {
        try await ProxyFixture.with { fixture in
            let socket = try LoopbackSocket(listenBacklog: 16)
            // What a child between its fork and its exec holds: a copy of the descriptor.
            let copy = dup(socket.descriptor)
            defer { close(copy) }
            let key = ListenerKey(service: "web-1#netns@127.0.0.1", containerPort: 8000)
            _ = try await fixture.proxy.addListener(ListenerConfig(key: key, port: 8000, serviceName: "web-1"), adopting: socket.descriptor)
            #expect(Self.listens(copy), "the adopted socket listens")

            await fixture.proxy.removeListener(key)
            // Asked of the socket itself, not by connecting: once it stops listening its port is
            // free, and another test's listener may be given it at once.
            #expect(!Self.listens(copy), "the socket kept listening through its other descriptor")
        }
    }

    @Test("a descriptor that is not listening is refused and closed")
    func refusesASocketThatDoesNotListen() async throws {
        try await ProxyFixture.with { fixture in
            let socket = try LoopbackSocket(listenBacklog: nil)
            let key = ListenerKey(service: "web-1#netns@127.0.0.1", containerPort: 8000)
            await #expect(throws: ProxyError.self) {
                try await fixture.proxy.addListener(ListenerConfig(key: key, port: 8000), adopting: socket.descriptor)
            }
            #expect(Self.portIsFree(socket.port), "the refused socket was closed")
            #expect(await fixture.proxy.listener(for: key) == nil)
        }
    }

    /// A connect to the socket's address is refused: nothing listens there any more.
    private static func refused(_ socket: LoopbackSocket) -> Bool {
        guard let peer = socket.connectPeer() else { return true }
        close(peer)
        return false
    }

    /// The socket `descriptor` refers to is in the listening state.
    private static func listens(_ descriptor: Int32) -> Bool {
        var listening: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 && listening != 0
    }

    /// Binding the port again without SO_REUSEADDR succeeds only once the socket that held it is closed.
    private static func portIsFree(_ port: Int) -> Bool {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
