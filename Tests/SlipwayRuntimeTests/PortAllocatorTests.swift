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
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let bound = LoopbackAddress(port: port).withSockAddr { bind(fd, $0, $1) }
    return bound == 0 && listen(fd, 1) == 0
}
