import Glibc
import Synchronization

/// Hands out free loopback ports for instances' private ports (`PORT`,
/// `PORT_<T>`).
///
/// Each port is one that binds on 127.0.0.1 now, below the kernel's
/// ephemeral range (`PrivatePortRange`); the socket is closed before the
/// port is handed out, so the instance can bind it. A port stays reserved
/// in this process until `release(_:)`, so two instances never get the same
/// port even though nothing holds it open between allocation and the
/// instance's own bind.
public final class PortAllocator: Sendable {
    private let reserved = Mutex<Set<Int>>([])
    /// The kernel may hand back a port this process already reserved; a few
    /// retries find another without looping forever on a starved port range.
    private static let attemptsPerPort = 64

    /// The one every supervisor of this process shares: two supervisors in
    /// one process (tests, a bench) must not hand the same port to two instances.
    public static let processWide = PortAllocator()

    public init() {}

    /// A free loopback port, reserved until released.
    public func allocate() throws(PortAllocationError) -> Int {
        for _ in 0..<Self.attemptsPerPort {
            let port = try Self.findFreePort()
            let isNew = reserved.withLock { $0.insert(port).inserted }
            if isNew { return port }
        }
        throw PortAllocationError(reason: "every port the kernel offered is already handed out")
    }

    /// `count` distinct free loopback ports; all or nothing.
    public func allocate(_ count: Int) throws(PortAllocationError) -> [Int] {
        var ports: [Int] = []
        do {
            for _ in 0..<count { ports.append(try allocate()) }
        } catch {
            release(ports)
            throw error
        }
        return ports
    }

    /// Returns ports to the pool once their instance has stopped.
    public func release(_ port: Int) {
        _ = reserved.withLock { $0.remove(port) }
    }

    public func release(_ ports: some Sequence<Int>) {
        for port in ports { release(port) }
    }

    /// Ports currently handed out and not yet released.
    public var reservedPorts: Set<Int> {
        reserved.withLock { $0 }
    }

    /// A port nothing binds now: a random one of `PrivatePortRange` that
    /// binds, or the kernel's choice where there is no such range.
    private static func findFreePort() throws(PortAllocationError) -> Int {
        guard let range = PrivatePortRange.current else { return try bindAndRead(port: 0) }
        for _ in 0..<attemptsPerPort {
            if let port = try? bindAndRead(port: Int.random(in: range)) { return port }
        }
        throw PortAllocationError(reason: "no free port in \(range.lowerBound)-\(range.upperBound - 1) after \(attemptsPerPort) tries")
    }

    private static func bindAndRead(port: Int) throws(PortAllocationError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PortAllocationError(reason: systemError("socket")) }
        defer { close(fd) }
        let bound = LoopbackAddress(port: port).withSockAddr { bind(fd, $0, $1) }
        guard bound == 0 else { throw PortAllocationError(reason: systemError("bind 127.0.0.1:\(port)")) }
        guard let port = LoopbackAddress.boundPort(of: fd) else {
            throw PortAllocationError(reason: systemError("getsockname"))
        }
        return port
    }

    private static func systemError(_ call: String) -> String {
        "\(call): \(String(cString: strerror(errno)))"
    }
}

/// No loopback port could be reserved for an instance.
public struct PortAllocationError: Error, CustomStringConvertible, Equatable {
    public var reason: String
    public var description: String { "could not reserve a loopback port: \(reason)" }
}
