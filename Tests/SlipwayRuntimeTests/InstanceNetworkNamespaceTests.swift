import Foundation
import Glibc
import NIOPosix
import SlipwayProxy
import SlipwayTestSupport
import Testing
@testable import SlipwayRuntime

/// An instance's own network namespace (docs/health-checks.md), with a real
/// holder, a real proxy and a check run inside it: `localhost` on the
/// container port refuses until the instance's port listens, then reaches it.
@Suite("an instance's own network namespace")
struct InstanceNetworkNamespaceTests {
    @Test func aConnectOnTheContainerPortIsRefusedUntilTheInstanceListensThenReachesIt() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxy = ReverseProxy(eventLoopGroup: group, loopThreads: 1)
        let instance = try BoundSocket()
        let route = NamespaceRoute(address: "127.0.0.1", port: 8000, upstream: Upstream(instance: "web-1", port: instance.port))
        let opened = await InstanceNetworkNamespace.open(
            [route], instance: "web-1", shimExecutable: BuiltBinary.shim, environment: [], proxy: proxy, waitForInstance: true)
        let network = try opened.get()
        let holder = network.holder.pid

        let beforeListening = try await Self.check(holder: holder)
        #expect(await network.awaitedPorts == [instance.port])
        instance.listen()
        await network.portListens(instance.port)
        let afterListening = try await Self.check(holder: holder)
        let failures = await network.failures
        await network.close()
        let holderGone = kill(holder, 0) != 0
        await proxy.shutdown()
        try await group.shutdownGracefully()

        #expect(beforeListening != 0, "a connect-only check passed while the instance did not listen")
        #expect(afterListening == 0)
        #expect(failures.isEmpty, "\(failures)")
        #expect(holderGone, "the holder outlived close()")
    }

    static let canDropToNobody = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    /// Without root, the holder makes a user namespace mapping its own uid and
    /// the check joins it before the network namespace: the same run, with
    /// holder and check dropped to `nobody` by setpriv.
    @Test(.enabled(if: canDropToNobody, "needs root and setpriv to run as nobody"))
    func withoutRootTheHolderAndTheCheckGoThroughAUserNamespace() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shim = directory.path + "/slipway-as-nobody"
        try "#!/bin/sh\nexec \(Self.asNobody.joined(separator: " ")) \(BuiltBinary.shim) \"$@\"\n"
            .write(toFile: shim, atomically: true, encoding: .utf8)
        chmod(shim, 0o755)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let proxy = ReverseProxy(eventLoopGroup: group, loopThreads: 1)
        let instance = try BoundSocket()
        instance.listen()
        let route = NamespaceRoute(address: "127.0.0.1", port: 8000, upstream: Upstream(instance: "web-1", port: instance.port))
        let opened = await InstanceNetworkNamespace.open(
            [route], instance: "web-1", shimExecutable: shim, environment: [], proxy: proxy, waitForInstance: false)
        let network = try opened.get()
        let holder = network.holder.pid
        let holderUser = try String(contentsOfFile: "/proc/\(holder)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Uid:") }
        let reached = try await Self.check(holder: holder, asNobody: true)
        let failures = await network.failures
        await network.close()
        await proxy.shutdown()
        try await group.shutdownGracefully()

        #expect(holderUser?.split(separator: "\t").dropFirst().first == "65534", "\(holderUser ?? "")")
        #expect(reached == 0)
        #expect(failures.isEmpty, "\(failures)")
    }

    private static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    /// `exec 3<>/dev/tcp/127.0.0.1/8000` inside the namespace, as a health check runs it: its exit status.
    private static func check(holder: pid_t, asNobody: Bool = false) async throws -> Int32 {
        let check = [
            BuiltBinary.shim, "__exec-tied-netns", String(getpid()), String(holder),
            "/bin/bash", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000",
        ]
        let argv = asNobody ? Self.asNobody + check : check
        let child = try ChildProcess(argv[0], Array(argv.dropFirst()))
        return try await child.waitUntilExit(within: .seconds(60))
    }
}

/// A TCP socket bound to a port of 127.0.0.1 the kernel picks, listening only once asked:
/// an instance that has not started serving yet.
private final class BoundSocket: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func listen() { _ = Glibc.listen(descriptor, 16) }

    deinit { close(descriptor) }
}
