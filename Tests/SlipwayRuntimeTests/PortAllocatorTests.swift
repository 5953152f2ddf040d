import Glibc
import Testing
@testable import SlipwayRuntime

@Suite("PortAllocator")
struct PortAllocatorTests {
    @Test("hands out distinct loopback ports an instance can bind")
    func distinctBindablePorts() throws {
        let allocator = PortAllocator()
        let ports = try allocator.allocate(40)
        #expect(Set(ports).count == ports.count)
        for port in ports {
            #expect((1...65535).contains(port))
            #expect(canListen(onLoopbackPort: port), "port \(port) was handed out but cannot be bound")
        }
        #expect(allocator.reservedPorts == Set(ports))
    }

    @Test("ports come from below the kernel's ephemeral range, where no outgoing connection takes them")
    func portsBelowTheEphemeralRange() throws {
        let range = try #require(PrivatePortRange.current, "this machine's ephemeral range starts low")
        let ports = try PortAllocator().allocate(40)
        #expect(ports.allSatisfy { range.contains($0) }, "\(ports) outside \(range)")
    }

    @Test("the range ends where the ephemeral range starts, and is none when that leaves no room")
    func rangeFromTheEphemeralStart() {
        #expect(PrivatePortRange.below(ephemeralStart: 32768) == 10000..<32768)
        #expect(PrivatePortRange.below(ephemeralStart: 10500) == nil)
        #expect(PrivatePortRange.below(ephemeralStart: nil) == nil)
    }

    @Test("never hands out a reserved port again, even from concurrent callers")
    func noDuplicatesUnderConcurrency() async throws {
        let allocator = PortAllocator()
        let ports = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 { group.addTask { try allocator.allocate(25) } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(ports.count == 200)
        #expect(Set(ports).count == 200)
    }

    @Test("a released port leaves the reservation")
    func releaseForgetsThePort() throws {
        let allocator = PortAllocator()
        let first = try allocator.allocate()
        let second = try allocator.allocate()
        allocator.release(first)
        #expect(allocator.reservedPorts == [second])
    }
}

/// Binds and listens on 127.0.0.1:`port`, then closes again.
private func canListen(onLoopbackPort port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let bound = LoopbackAddress(port: port).withSockAddr { bind(fd, $0, $1) }
    return bound == 0 && listen(fd, 1) == 0
}
