#if canImport(Glibc)
import Glibc
#endif
import CProxyLoop

/// HTTP mode on a loop: client connections in `HTTPSlot`s, their connections to instances in
/// `UpstreamLinkSlot`s, idle ones pooled per listener shard. Runs only on the loop's thread.
extension ProxyLoop {
    /// Takes ownership of the accepted `clientFD`: it ends up in a slot.
    func admitHTTP(_ clientFD: Int32, onShard index: Int) {
        let limits = withShard(index) { $0.listener.config.limits }
        LoopSocket.setNoDelay(clientFD)
        let slot = freeHTTPSlots.popLast() ?? appendHTTPSlot()
        httpSlots[slot].connection = HTTPConnection(
            clientFD: clientFD, clientAddress: LoopSocket.peerAddress(of: clientFD), limits: limits, now: now
        )
        httpSlots[slot].shard = index
        let events = c_proxy_loop_epollin | c_proxy_loop_epollout | c_proxy_loop_epollrdhup | c_proxy_loop_epollet
        watch(clientFD, token: LoopToken(kind: .httpClient, index: slot, generation: httpSlots[slot].generation), events: events)
        armHTTP(slot)
    }

    private func appendHTTPSlot() -> Int {
        httpSlots.append(HTTPSlot())
        return httpSlots.count - 1
    }

    func httpClientEvent(_ token: LoopToken, readiness: Readiness) {
        let slot = token.index
        guard slot < httpSlots.count, httpSlots[slot].generation == token.generation, httpSlots[slot].connection != nil else { return }
        var host = LoopHTTPHost(loop: self, shard: httpSlots[slot].shard, slot: slot)
        httpSlots[slot].connection!.handle(readiness, on: .client, scratch: &scratch, host: &host)
        settleHTTP(slot)
    }

    func httpUpstreamEvent(_ token: LoopToken, readiness: Readiness) {
        let index = token.index
        guard index < links.count, links[index].generation == token.generation, links[index].fd >= 0 else { return }
        if let owner = links[index].owner {
            guard httpSlots[owner].connection != nil else { return }
            var host = LoopHTTPHost(loop: self, shard: httpSlots[owner].shard, slot: owner)
            httpSlots[owner].connection!.handle(readiness, on: .upstream(index), scratch: &scratch, host: &host)
            settleHTTP(owner)
        } else if let shard = links[index].pooledIn {
            links[index].endpoint.note(readiness)
            guard readiness.contains(.readable) || readiness.contains(.failed) else { return }
            // On an idle connection, anything but "nothing to read" means the instance closed it
            // or it is out of step: either way it cannot carry another request.
            let io = SystemRelayIO()
            scratch.clear()
            let result = scratch.withUnsafeMutableWritableBytes { io.read(links[index].fd, into: $0) }
            if result == .wouldBlock {
                links[index].endpoint.readable = false
                return
            }
            shards[shard]!.idleLinks.removeAll { $0 == index }
            closeLink(index)
        }
    }

    /// After an event: a closed connection's slot is released, any other's deadline armed.
    private func settleHTTP(_ slot: Int) {
        if httpSlots[slot].connection!.isClosed {
            releaseHTTP(slot)
        } else {
            armHTTP(slot)
        }
    }

    /// Ends the slot's connection (counting what it carried as ended), closes its descriptor and
    /// frees the slot.
    func releaseHTTP(_ slot: Int) {
        guard httpSlots[slot].connection != nil else { return }
        let shard = httpSlots[slot].shard
        if !httpSlots[slot].connection!.isClosed {
            var host = LoopHTTPHost(loop: self, shard: shard, slot: slot)
            httpSlots[slot].connection!.close(host: &host)
        }
        let fd = httpSlots[slot].connection!.client.fd
        httpSlots[slot].connection = nil
        Glibc.close(fd)
        shards[shard]!.listener.release()
        httpSlots[slot].generation &+= 1
        httpSlots[slot].armedDeadline = 0
        freeHTTPSlots.append(slot)
        if !drains.isEmpty { settleIdleDrains() }
    }

    func armHTTP(_ slot: Int) {
        let deadline = httpSlots[slot].connection!.nextDeadline
        let armed = httpSlots[slot].armedDeadline
        guard armed == 0 || deadline < armed else { return }
        httpSlots[slot].armedDeadline = deadline
        timers.push(.init(deadline: deadline, slot: slot, generation: httpSlots[slot].generation, isHTTP: true))
    }

    func fireHTTPTimer(_ entry: LoopTimerHeap.Entry) {
        let slot = entry.slot
        guard httpSlots[slot].generation == entry.generation, httpSlots[slot].connection != nil,
            httpSlots[slot].armedDeadline == entry.deadline
        else { return }
        httpSlots[slot].armedDeadline = 0
        if httpSlots[slot].connection!.nextDeadline <= now {
            var host = LoopHTTPHost(loop: self, shard: httpSlots[slot].shard, slot: slot)
            httpSlots[slot].connection!.deadlinesPassed(scratch: &scratch, host: &host)
            settleHTTP(slot)
        } else {
            armHTTP(slot)
        }
    }

    /// A timed-out drain ends what `slot`'s connection carries for the drained instance.
    func closeHTTPForDrain(_ slot: Int) {
        var host = LoopHTTPHost(loop: self, shard: httpSlots[slot].shard, slot: slot)
        httpSlots[slot].connection!.closeForDrain(scratch: &scratch, host: &host)
        settleHTTP(slot)
    }

    /// HTTP slots whose connection carries traffic of `instance`.
    func httpSlots(carrying instance: InstanceID) -> [Int] {
        httpSlots.indices.filter { httpSlots[$0].connection?.instance == instance }
    }

    // MARK: connections to instances

    /// A new connection to `address`, its connect started and watched, owned by HTTP slot `owner`.
    func openLink(to address: SocketAddressBytes?, owner: Int) -> UpstreamLink? {
        guard let address, case .success(let fd) = LoopSocket.startConnect(to: address) else { return nil }
        let index = freeLinks.popLast() ?? appendLink()
        links[index].fd = fd
        links[index].owner = owner
        links[index].pooledIn = nil
        let events = c_proxy_loop_epollin | c_proxy_loop_epollout | c_proxy_loop_epollrdhup | c_proxy_loop_epollet
        watch(fd, token: LoopToken(kind: .httpUpstream, index: index, generation: links[index].generation), events: events)
        return UpstreamLink(index: index, endpoint: RelayEndpoint(fd: fd), connecting: true)
    }

    private func appendLink() -> Int {
        links.append(UpstreamLinkSlot())
        return links.count - 1
    }

    /// The most recently parked idle connection of the shard, if the shard still routes to `upstream`.
    func takePooledLink(shard: Int, to upstream: Upstream, owner: Int) -> UpstreamLink? {
        let taken = withShard(shard) { shard -> Int? in
            guard shard.upstream?.upstream == upstream else { return nil }
            return shard.idleLinks.popLast()
        }
        guard let index = taken else { return nil }
        links[index].pooledIn = nil
        links[index].owner = owner
        return UpstreamLink(index: index, endpoint: links[index].endpoint, connecting: false)
    }

    /// Pools the connection when it is to `upstream`, where the shard still routes, and looks idle;
    /// closes it otherwise.
    func releaseLink(_ link: UpstreamLink, shard: Int, parkingFor upstream: Upstream?) {
        let index = link.index
        links[index].owner = nil
        let idle = !link.endpoint.readable && !link.endpoint.inputEnded && !link.endpoint.peerHungUp
        let parked = idle && upstream != nil && withShard(shard) { shard in
            guard shard.upstream?.upstream == upstream, shard.idleLinks.count < Self.pooledLinks else { return false }
            shard.idleLinks.append(index)
            return true
        }
        guard parked else {
            closeLink(index)
            return
        }
        links[index].endpoint = link.endpoint
        links[index].pooledIn = shard
    }

    func closeLink(_ index: Int) {
        Glibc.close(links[index].fd)
        links[index].fd = -1
        links[index].owner = nil
        links[index].pooledIn = nil
        links[index].generation &+= 1
        freeLinks.append(index)
    }

    /// Closes the shard's idle connections: its route changed, or it is going away.
    func closeIdleLinks(ofShard shard: Int) {
        let idle = shards[shard]!.idleLinks
        shards[shard]!.idleLinks = []
        for index in idle { closeLink(index) }
    }
}
