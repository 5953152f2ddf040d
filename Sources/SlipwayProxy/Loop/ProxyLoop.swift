#if canImport(Glibc)
import Glibc
#endif
import CProxyLoop
import NIOCore
import Synchronization

/// One thread of the proxy's data path: an epoll set, the listeners it accepts on, the
/// connections it accepted (each lives here until it closes, so its state takes no lock), and
/// one timer heap for all their deadlines.
///
/// Owns `epollFD` and `wakeFD` (closed in `deinit`), every `RelaySlot`'s buffers, the
/// descriptors of every connection in a slot (`RelaySlot`, `HTTPSlot`, `UpstreamLinkSlot`, `HeldAccept`) and
/// the scratch buffer HTTP reads go into. Other threads reach a loop only through `submit`.
final class ProxyLoop: @unchecked Sendable {
    // Sendable: `inbox` is behind a Mutex and `epollFD`/`wakeFD` never change; everything else is
    // read and written only on the loop's own thread, in `run()` and in the tasks it takes from
    // `inbox`, until the thread closes the inbox as its last act; after that, only by tasks run
    // one at a time under the inbox's lock.
    typealias Task = @Sendable (ProxyLoop) -> Void

    private let epollFD: Int32
    private let wakeFD: Int32
    private let inbox = Mutex(Inbox())
    private var thread = pthread_t()
    private var stopping = false
    private var onStopped: (@Sendable () -> Void)?
    private var ended = false
    /// The clock as read at the start of this wake-up.
    private(set) var now: UInt64 = 0
    var timers = LoopTimerHeap()
    private var slots: ContiguousArray<RelaySlot> = []
    private var freeSlots: [Int] = []
    var shards: ContiguousArray<ListenerShard?> = []
    private(set) var drains: [DrainWait] = []
    var httpSlots: ContiguousArray<HTTPSlot> = []
    var freeHTTPSlots: [Int] = []
    var links: ContiguousArray<UpstreamLinkSlot> = []
    var freeLinks: [Int] = []
    /// TCP connections an injected latency holds back before their connect (ProxyLoop+Faults).
    var heldAccepts: ContiguousArray<HeldAccept> = []
    var freeHeldAccepts: [Int] = []
    /// Where every HTTP read goes, lent to one connection at a time; a connection that keeps
    /// some of its bytes (a pipelined request) keeps them in storage of their own.
    var scratch = ByteBufferAllocator().buffer(capacity: HTTPConnection.readSize)
    /// Idle connections to instances kept per listener shard.
    static let pooledLinks = 512
    /// Empty pipes kept for the next bulk transfer; owned by the loop, closed in `deinit`.
    private var pipes: [RelayPipe] = []
    private static let pooledPipes = 64

    private struct Inbox {
        var tasks: [Task] = []
        /// Set when the thread has ended; later tasks run at once, under the lock, on the caller's
        /// thread, so a call racing the proxy's shutdown still completes.
        var closed = false
    }

    struct DrainWait {
        let instance: InstanceID
        let deadline: UInt64
        let settle: @Sendable (Int?) -> Void
    }

    init() throws(ProxyLoopError) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw ProxyLoopError(call: "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            let error = errno
            Glibc.close(epollFD)
            throw ProxyLoopError(call: "eventfd", errno: error)
        }
        watch(wakeFD, token: LoopToken(kind: .wake, index: 0, generation: 0), events: c_proxy_loop_epollin)
    }

    deinit {
        for slot in slots { slot.deallocateBuffers() }
        for pipe in pipes { pipe.close() }
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
    }

    /// Starts the loop's thread.
    func start() throws(ProxyLoopError) {
        let retained = Unmanaged.passRetained(self)
        let result = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<ProxyLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, retained.toOpaque())
        guard result == 0 else {
            retained.release()
            throw ProxyLoopError(call: "pthread_create", errno: result)
        }
    }

    /// Runs `task` on the loop's thread.
    func submit(_ task: @escaping Task) {
        let queued = inbox.withLock { inbox in
            guard !inbox.closed else {
                task(self)
                return false
            }
            inbox.tasks.append(task)
            return true
        }
        guard queued else { return }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
    }

    func run<Result: Sendable>(_ body: @escaping @Sendable (ProxyLoop) -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            submit { loop in continuation.resume(returning: body(loop)) }
        }
    }

    /// Closes every connection, ends the thread and waits for it; returns at once if it ended.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            submit { loop in
                guard !loop.ended else { return continuation.resume() }
                loop.stopping = true
                loop.onStopped = { continuation.resume() }
            }
        }
        pthread_join(thread, nil)
    }

    private func run() {
        let capacity = 512
        // Owned by this function, for the thread's life.
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        now = LoopClock.nowNanoseconds()
        while !stopping {
            let count = epoll_wait(epollFD, events, Int32(capacity), waitMilliseconds())
            now = LoopClock.nowNanoseconds()
            for index in 0..<Int(max(count, 0)) {
                dispatch(token: LoopToken(raw: events[index].data.u64), events: events[index].events)
            }
            fireTimers()
        }
        for index in slots.indices where slots[index].relay != nil { release(index, error: nil) }
        for index in httpSlots.indices where httpSlots[index].connection != nil { releaseHTTP(index) }
        for index in links.indices where links[index].fd >= 0 { closeLink(index) }
        closeHeldAccepts(ofShard: nil)
        ended = true
        inbox.withLock { inbox in
            inbox.closed = true
            for task in inbox.tasks { task(self) }
            inbox.tasks = []
        }
        onStopped?()
    }

    private func dispatch(token: LoopToken, events: UInt32) {
        switch token.kind {
        case .wake: runInbox()
        case .listener: accept(onShard: token.index)
        case .client, .upstream: relayEvent(token, readiness: Readiness(epollEvents: events))
        case .httpClient: httpClientEvent(token, readiness: Readiness(epollEvents: events))
        case .httpUpstream: httpUpstreamEvent(token, readiness: Readiness(epollEvents: events))
        }
    }

    private func runInbox() {
        var count: UInt64 = 0
        _ = read(wakeFD, &count, MemoryLayout<UInt64>.size)
        let tasks = inbox.withLock { inbox in
            defer { inbox.tasks = [] }
            return inbox.tasks
        }
        for task in tasks { task(self) }
    }

    // MARK: listeners

    func addListener(_ listener: LoopListener) {
        let index = shards.firstIndex { $0 == nil } ?? shards.endIndex
        if index == shards.endIndex { shards.append(nil) }
        shards[index] = ListenerShard(listener: listener)
        // Level-triggered and exclusive: a pending connection wakes one loop, not all of them.
        let exclusive: UInt32 = 1 << 28
        watch(listener.fd, token: LoopToken(kind: .listener, index: index, generation: 0), events: c_proxy_loop_epollin | exclusive)
    }

    func route(_ listener: LoopListener, to upstream: RoutedUpstream?, fallback: RoutedUpstream?, version: Int) {
        guard let index = shardIndex(of: listener) else { return }
        let previous = shards[index]!.upstream?.upstream
        shards[index]!.route(to: upstream, fallback: fallback, version: version)
        // Pooled connections are to the upstream routed to; an instance given a new address
        // (restarted on another port) must not get requests on connections to its old one.
        if shards[index]!.upstream?.upstream != previous { closeIdleLinks(ofShard: index) }
    }

    /// Stops accepting on `listener` and closes the connections it accepted on this loop.
    func removeListener(_ listener: LoopListener) {
        guard let index = shardIndex(of: listener) else { return }
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, listener.fd, nil)
        for slot in slots.indices where slots[slot].relay != nil && slots[slot].shard == index {
            release(slot, error: nil)
        }
        for slot in httpSlots.indices where httpSlots[slot].connection != nil && httpSlots[slot].shard == index {
            releaseHTTP(slot)
        }
        closeIdleLinks(ofShard: index)
        closeHeldAccepts(ofShard: index)
        shards[index] = nil
    }

    /// Reads or changes a shard in place: reading `shards[index]!` would copy the whole shard,
    /// retaining each of its arrays and references, on every request.
    func withShard<Result>(_ index: Int, _ body: (inout ListenerShard) -> Result) -> Result {
        body(&shards[index]!)
    }

    func snapshot(of listener: LoopListener) -> ListenerShardSnapshot? {
        guard let index = shardIndex(of: listener), let shard = shards[index] else { return nil }
        return ListenerShardSnapshot(
            rejectedConnections: shard.rejectedConnections,
            noUpstream: shard.noUpstream,
            fellBack: shard.fellBack,
            refusedRequests: shard.refusedRequests,
            injectedErrors: shard.injectedErrors,
            instances: Array(shard.traffic)
        )
    }

    private func shardIndex(of listener: LoopListener) -> Int? {
        shards.firstIndex { $0?.listener === listener }
    }

    private func accept(onShard index: Int) {
        guard let listenerFD = shards[index]?.listener.fd else { return }
        // A few per wake-up, so that a burst of connections is spread over the loops.
        for _ in 0..<8 {
            let fd = c_proxy_loop_accept4(listenerFD, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            guard fd >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            admit(fd, onShard: index)
        }
    }

    /// Takes ownership of the accepted `clientFD`: it ends up in a slot or closed.
    private func admit(_ clientFD: Int32, onShard index: Int) {
        let listener = shards[index]!.listener
        guard listener.admit() else {
            shards[index]!.rejectedConnections += 1
            Glibc.close(clientFD)
            return
        }
        if listener.config.mode == .http {
            admitHTTP(clientFD, onShard: index)
            return
        }
        if injectTCPFault(clientFD, onShard: index) { return }
        connectTCP(clientFD, onShard: index)
    }

    /// Takes ownership of the admitted TCP `clientFD`: it ends up relayed to the routed instance, or closed.
    func connectTCP(_ clientFD: Int32, onShard index: Int) {
        let listener = shards[index]!.listener
        guard let routed = shards[index]!.upstream, let traffic = shards[index]!.currentTraffic else {
            shards[index]!.noUpstream += 1
            Glibc.close(clientFD)
            listener.release()
            return
        }
        shards[index]!.traffic[traffic].connections += 1
        LoopSocket.setNoDelay(clientFD)
        guard let address = routed.address, case .success(let upstreamFD) = LoopSocket.startConnect(to: address) else {
            shards[index]!.traffic[traffic].errors[.connectFailed, default: 0] += 1
            Glibc.close(clientFD)
            listener.release()
            return
        }
        shards[index]!.traffic[traffic].active += 1
        let slot = takeSlot()
        slots[slot].relay = TCPRelay(
            clientFD: clientFD,
            upstreamFD: upstreamFD,
            toUpstream: slots[slot].toUpstreamStorage,
            toClient: slots[slot].toClientStorage
        )
        slots[slot].shard = index
        slots[slot].traffic = traffic
        slots[slot].connectStarted = now
        slots[slot].lastActivity = now
        slots[slot].connectTimeout = LoopClock.nanoseconds(listener.config.limits.connectTimeout)
        slots[slot].idleTimeout = LoopClock.nanoseconds(listener.config.limits.idleTimeout)
        let generation = slots[slot].generation
        let events = c_proxy_loop_epollin | c_proxy_loop_epollout | c_proxy_loop_epollrdhup | c_proxy_loop_epollet
        watch(clientFD, token: LoopToken(kind: .client, index: slot, generation: generation), events: events)
        watch(upstreamFD, token: LoopToken(kind: .upstream, index: slot, generation: generation), events: events)
        arm(slot)
    }

    // MARK: connections

    private func takeSlot() -> Int {
        if let free = freeSlots.popLast() { return free }
        slots.append(RelaySlot())
        return slots.count - 1
    }

    private func relayEvent(_ token: LoopToken, readiness: Readiness) {
        let slot = token.index
        guard slot < slots.count, slots[slot].generation == token.generation, slots[slot].relay != nil else { return }
        var io = SystemRelayIO()
        let side: TCPRelay.Side = token.kind == .client ? .client : .upstream
        let progress = slots[slot].relay!.handle(readiness, on: side, io: &io)
        let shard = slots[slot].shard
        let traffic = slots[slot].traffic
        if progress.connected {
            shards[shard]!.traffic[traffic].latency.record(microseconds: Int64((now - slots[slot].connectStarted) / 1000))
            // The idle deadline may come before the connect deadline armed so far.
            arm(slot)
        }
        if progress.wantsPipeToUpstream && slots[slot].relay!.toUpstreamPipe == nil, let pipe = takePipe() {
            slots[slot].relay!.attach(pipe, toward: .upstream)
        }
        if progress.wantsPipeToClient && slots[slot].relay!.toClientPipe == nil, let pipe = takePipe() {
            slots[slot].relay!.attach(pipe, toward: .client)
        }
        if progress.movedBytes {
            shards[shard]!.traffic[traffic].bytesIn += Int64(progress.fromClient)
            shards[shard]!.traffic[traffic].bytesOut += Int64(progress.fromUpstream)
            slots[slot].lastActivity = now
        }
        if case .finished(let ending) = slots[slot].relay!.phase {
            if case .connectFailed = ending {
                if reconnectToFallback(slot) { return }
                release(slot, error: .connectFailed)
            } else {
                release(slot, error: nil)
            }
        }
    }

    /// The instance refused the slot's connection before a byte went either way: the shard's
    /// fallback gets it instead, once. The failure still counts against the refusing instance.
    private func reconnectToFallback(_ slot: Int) -> Bool {
        let shard = slots[slot].shard
        let failed = slots[slot].traffic
        guard let (fallback, traffic) = shards[shard]!.fallback(after: shards[shard]!.traffic[failed].instance),
              let address = fallback.address,
              case .success(let upstreamFD) = LoopSocket.startConnect(to: address)
        else { return false }
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, slots[slot].relay!.upstream.fd, nil)
        Glibc.close(slots[slot].relay!.upstream.fd)
        slots[slot].relay!.reconnect(upstreamFD: upstreamFD)
        shards[shard]!.traffic[failed].errors[.connectFailed, default: 0] += 1
        shards[shard]!.traffic[failed].active -= 1
        shards[shard]!.traffic[traffic].connections += 1
        shards[shard]!.traffic[traffic].active += 1
        shards[shard]!.fellBack += 1
        slots[slot].traffic = traffic
        slots[slot].connectStarted = now
        let events = c_proxy_loop_epollin | c_proxy_loop_epollout | c_proxy_loop_epollrdhup | c_proxy_loop_epollet
        watch(upstreamFD, token: LoopToken(kind: .upstream, index: slot, generation: slots[slot].generation), events: events)
        arm(slot)
        return true
    }

    /// Ends the slot's connection: counts it out of its instance's traffic first, so whoever sees
    /// the close and then reads the stats finds it gone, then closes both descriptors.
    private func release(_ slot: Int, error: ProxyErrorKind?) {
        guard var relay = slots[slot].relay else { return }
        for pipe in relay.detachPipes() { returnPipe(pipe) }
        let shard = slots[slot].shard
        let traffic = slots[slot].traffic
        if let error { shards[shard]!.traffic[traffic].errors[error, default: 0] += 1 }
        shards[shard]!.traffic[traffic].active -= 1
        Glibc.close(relay.upstream.fd)
        Glibc.close(relay.client.fd)
        shards[shard]!.listener.release()
        slots[slot].relay = nil
        slots[slot].generation &+= 1
        slots[slot].armedDeadline = 0
        freeSlots.append(slot)
        if !drains.isEmpty { settleIdleDrains() }
    }

    private func takePipe() -> RelayPipe? {
        pipes.popLast() ?? RelayPipe.open()
    }

    /// Pools an empty pipe; closes one that still holds a finished connection's bytes.
    private func returnPipe(_ pipe: RelayPipe) {
        if pipe.held == 0 && pipes.count < Self.pooledPipes {
            pipes.append(pipe)
        } else {
            pipe.close()
        }
    }

    private func arm(_ slot: Int) {
        let deadline = slots[slot].nextDeadline
        let armed = slots[slot].armedDeadline
        guard armed == 0 || deadline < armed else { return }
        slots[slot].armedDeadline = deadline
        timers.push(.init(deadline: deadline, slot: slot, generation: slots[slot].generation))
    }

    private func fireTimers() {
        while let entry = timers.popDue(now: now) {
            if entry.isHTTP {
                fireHTTPTimer(entry)
                continue
            }
            if entry.isHeldAccept {
                fireHeldAccept(entry)
                continue
            }
            let slot = entry.slot
            guard slots[slot].generation == entry.generation, slots[slot].relay != nil,
                slots[slot].armedDeadline == entry.deadline
            else { continue }
            slots[slot].armedDeadline = 0
            if slots[slot].nextDeadline <= now {
                release(slot, error: slots[slot].relay!.phase == .connecting ? .connectTimeout : nil)
            } else {
                arm(slot)
            }
        }
        if !drains.isEmpty { expireDrains() }
    }

    private func waitMilliseconds() -> Int32 {
        var earliest = timers.earliest
        for drain in drains { earliest = min(earliest ?? drain.deadline, drain.deadline) }
        guard let earliest else { return -1 }
        guard earliest > now else { return 0 }
        return Int32(clamping: (earliest - now + 999_999) / 1_000_000)
    }

    func watch(_ fd: Int32, token: LoopToken, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token.raw
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    // MARK: drains

    /// Settles with nil once `instance` carries no connection on this loop, or at `deadline`
    /// with the number of its connections closed then.
    func drain(_ instance: InstanceID, deadline: UInt64, settle: @escaping @Sendable (Int?) -> Void) {
        guard activeConnections(of: instance) > 0 else {
            settle(nil)
            return
        }
        drains.append(DrainWait(instance: instance, deadline: deadline, settle: settle))
    }

    private func activeConnections(of instance: InstanceID) -> Int {
        var active = 0
        for shard in shards {
            guard let shard, let index = shard.trafficSlot(ifKnown: instance) else { continue }
            active += shard.traffic[index].active
        }
        return active
    }

    func settleIdleDrains() {
        var index = drains.startIndex
        while index < drains.endIndex {
            if activeConnections(of: drains[index].instance) == 0 {
                drains.remove(at: index).settle(nil)
            } else {
                index += 1
            }
        }
    }

    private func expireDrains() {
        let due = drains.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        drains.removeAll { $0.deadline <= now }
        for drain in due {
            let carrying = slots.indices.filter { slot in
                slots[slot].relay != nil && shards[slots[slot].shard]!.traffic[slots[slot].traffic].instance == drain.instance
            }
            let carryingHTTP = httpSlots(carrying: drain.instance)
            // Settled before closing: closing ends the traffic, which would settle it as drained.
            drain.settle(carrying.count + carryingHTTP.count)
            for slot in carrying { release(slot, error: nil) }
            for slot in carryingHTTP { closeHTTPForDrain(slot) }
        }
    }
}

/// A system call the proxy's event loop could not do without.
struct ProxyLoopError: Error, CustomStringConvertible {
    let call: String
    let errno: Int32

    var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
}
