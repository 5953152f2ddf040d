import Foundation
import SlipwayTestSupport
import Glibc
import Synchronization
import Testing
@testable import SlipwayRuntime

@Suite("Listen detection")
struct ListenWatchTests {
    /// Events of one registration, as they arrive on the watch's thread.
    private final class EventLog: Sendable {
        private let entries = Mutex<[ListenEvent]>([])
        var all: [ListenEvent] { entries.withLock { $0 } }
        func append(_ event: ListenEvent) { entries.withLock { $0.append(event) } }
    }

    @Test("sock_diag lists a socket that listens, with the inode /proc names, and not one that is only bound")
    func listingSeesListeningSocketsOnly() throws {
        let server = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { server.stop() }
        let sockets = try #require(ListeningSockets())
        #expect(try #require(sockets.query()).contains { $0.port == server.port } == false)
        try server.startListening(status: 200)
        let listed = try #require(sockets.query()).filter { $0.port == server.port }
        #expect(listed.count == 1)
        #expect(ProcessTreeSockets.inodes(under: getpid()).contains(listed.first?.inode ?? 0))
    }

    @Test("a server that listens only after a delay is reported healthy after it listens and not before")
    func healthyOnlyAfterListening() async throws {
        let server = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { server.stop() }
        let watch = ListenWatch()
        let plan = HealthCheckPlan(check: .http(port: server.port, path: "/"), interval: .seconds(3600))
        let monitor = HealthMonitor(
            plan: plan, environment: [:], workingDirectory: nil, limiter: ProbeLimiter(),
            listen: ListenTarget(watch: watch, ports: [server.port], processTree: nil))
        let healthy = Task { await monitor.transitions.first { $0.to == .healthy } }
        await monitor.start()

        #expect(await HealthTesting.eventually { await monitor.probeCount >= 2 })
        #expect(await monitor.status == .starting)
        #expect(await monitor.portsSeenListening.isEmpty)
        let listening = ContinuousClock.now
        try server.startListening(status: 200)
        let transition = await healthy.value
        let seen = await monitor.portsSeenListening
        await monitor.stop()

        #expect(transition?.probe.reason == "HTTP 200")
        #expect(try #require(transition).at > listening)
        #expect(seen == [server.port])
        #expect(await HealthTesting.eventually { !watch.isRunning })
    }

    @Test("a port's listen reaches the monitor only once its preparation is done, so the probe it triggers finds it done")
    func listenWaitsForItsPreparation() async throws {
        let server = try CannedHTTPServer(status: 500, listenImmediately: false)
        defer { server.stop() }
        let gate = PreparationGate()
        let plan = HealthCheckPlan(check: .http(port: server.port, path: "/"), interval: .seconds(3600))
        let monitor = HealthMonitor(
            plan: plan, environment: [:], workingDirectory: nil, limiter: ProbeLimiter(),
            listen: ListenTarget(watch: ListenWatch(), ports: [server.port], processTree: nil) { await gate.pass($0) })
        await monitor.start()
        try server.startListening(status: 500)

        let prepared = await HealthTesting.eventually { await gate.waiting == [server.port] }
        let seenWhilePreparing = await monitor.portsSeenListening
        await gate.open()
        let seenAfter = await HealthTesting.eventually { await monitor.portsSeenListening == [server.port] }
        await monitor.stop()

        #expect(prepared)
        #expect(seenWhilePreparing.isEmpty, "the monitor heard of the listen before its preparation was done")
        #expect(seenAfter)
    }

    @Test("a monitor whose instance has no port is probed on the schedule, with no listen watch running")
    func noPortFollowsTheSchedule() async throws {
        let directory = try HealthTestDirectory()
        let watch = ListenWatch()
        let plan = HealthCheckPlan(check: .shell("test -f ready"), interval: .seconds(3600))
        let monitor = HealthMonitor(
            plan: plan, environment: ["PATH": "/usr/bin:/bin"], workingDirectory: directory.path, limiter: ProbeLimiter(),
            listen: ListenTarget(watch: watch, ports: [], processTree: nil))
        let healthy = Task { await monitor.transitions.first { $0.to == .healthy } }
        await monitor.start()

        #expect(await HealthTesting.eventually { await monitor.probeCount >= 2 })
        try directory.write("", to: "ready")
        let transition = await healthy.value
        await monitor.stop()

        #expect(transition?.probe.reason == "exit code 0")
        #expect(watch.queryCount == 0)
        #expect(!watch.isRunning)
    }

    @Test("the watch stops once every registered port listens, and a cancelled registration stops it too")
    func watchStopsWhenNothingWaits() async throws {
        let server = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { server.stop() }
        let other = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { other.stop() }
        let watch = ListenWatch()
        let log = EventLog()
        _ = watch.watch(ports: [server.port], processTree: nil) { log.append($0) }
        #expect(watch.isRunning)
        #expect(await HealthTesting.eventually { watch.queryCount >= 3 })
        try server.startListening(status: 200)
        #expect(await HealthTesting.eventually { !watch.isRunning })
        #expect(log.all == [.listening(port: server.port)])

        let cancelled = watch.watch(ports: [other.port], processTree: nil) { log.append($0) }
        #expect(watch.isRunning)
        watch.cancel(cancelled)
        #expect(await HealthTesting.eventually { !watch.isRunning })
        let queries = watch.queryCount
        try await Task.sleep(for: .milliseconds(50))
        #expect(watch.queryCount == queries)
        #expect(log.all == [.listening(port: server.port)])
    }

    @Test("a process tree listening on a port it was not given is reported with that port")
    func foreignPortOfTheProcessTree() async throws {
        let directory = try HealthTestDirectory()
        let given = try CannedHTTPServer(status: 200, listenImmediately: false)
        defer { given.stop() }
        let process = try ChildProcess("/bin/sh", ["-c", """
            exec python3 -c "import socket, time
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
            open('port.tmp', 'w').write(str(s.getsockname()[1]))
            __import__('os').rename('port.tmp', 'port')
            time.sleep(120)"
            """], directory: directory.path)
        defer { process.killAndReap() }
        let watch = ListenWatch()
        let log = EventLog()
        let registration = watch.watch(ports: [given.port], processTree: process.pid) { log.append($0) }
        defer { watch.cancel(registration) }

        #expect(await HealthTesting.eventually(within: .seconds(30)) { FileManager.default.fileExists(atPath: directory.file("port")) })
        let taken = try #require(Int(String(contentsOfFile: directory.file("port"), encoding: .utf8)))
        #expect(await HealthTesting.eventually { log.all.contains(.foreignPort(taken)) })
        #expect(!log.all.contains(.listening(port: given.port)))
    }

    @Test("the warning names the port taken and the one given")
    func foreignPortWarningText() {
        let warning = ForeignPortWarning(port: 8080, privatePorts: [8000: 41234])
        #expect(warning.text == "listens on port 8080, which Slipway did not give it: the proxy cannot reach it there; "
            + "listen on $PORT (41234) instead")
        let two = ForeignPortWarning(port: 9999, privatePorts: [9000: 2, 8000: 1])
        #expect(two.text.hasSuffix("listen on $PORT_8000 (1), $PORT_9000 (2) instead"))
    }
}

/// Holds each `prepare` call of a `ListenTarget` until the test opens it.
private actor PreparationGate {
    private(set) var waiting: [Int] = []
    private var held: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false

    func pass(_ port: Int) async {
        guard !isOpen else { return }
        waiting.append(port)
        await withCheckedContinuation { held.append($0) }
    }

    func open() {
        isOpen = true
        held.forEach { $0.resume() }
        held = []
    }
}
