#if canImport(Glibc)
import Glibc
#endif
import CProxyLoop

/// What epoll reported for one socket, in the terms a connection's state machine needs.
struct Readiness: OptionSet {
    let rawValue: UInt8

    static let readable = Readiness(rawValue: 1)
    static let writable = Readiness(rawValue: 2)
    /// The peer shut its sending side (`EPOLLRDHUP`): keep reading until end of input, since no
    /// further edge will come for it.
    static let peerHungUp = Readiness(rawValue: 4)
    /// `EPOLLERR` or `EPOLLHUP`: the next read or write reports what happened.
    static let failed = Readiness(rawValue: 8)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(epollEvents events: UInt32) {
        var readiness: Readiness = []
        if events & c_proxy_loop_epollin != 0 { readiness.insert(.readable) }
        if events & c_proxy_loop_epollout != 0 { readiness.insert(.writable) }
        if events & c_proxy_loop_epollrdhup != 0 { readiness.insert([.peerHungUp, .readable]) }
        if events & (c_proxy_loop_epollerr | c_proxy_loop_epollhup) != 0 { readiness.insert([.failed, .readable, .writable]) }
        self = readiness
    }
}

/// One socket of a relayed connection as the state machine sees it. The loop registers sockets
/// edge-triggered, so "readable" and "writable" are remembered here until a read or write says
/// the kernel has nothing more (`EAGAIN`, or a short transfer).
struct RelayEndpoint {
    /// Owned by the `RelaySlot` holding this endpoint; closed by the loop when the slot is released.
    var fd: Int32
    var readable = false
    var writable = false
    var peerHungUp = false
    var inputEnded = false
    var outputShut = false

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func note(_ readiness: Readiness) {
        if readiness.contains(.readable) { readable = true }
        if readiness.contains(.writable) { writable = true }
        if readiness.contains(.peerHungUp) { peerHungUp = true }
    }
}
