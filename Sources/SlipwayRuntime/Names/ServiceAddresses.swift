import ComposeKit

/// Every service's own loopback address, `127.<a>.<b>.<n>`, as a container
/// has its own IP on its network. Linux routes all of 127.0.0.0/8 to the
/// loopback interface, so these need no privilege.
///
/// The block `127.<a>.<b>` is derived from the project name (FNV-1a), so a
/// project keeps its addresses across runs; when a port the project needs is
/// already taken somewhere in that block (another project landed on it), the
/// next candidate block is tried.
public struct ServiceAddresses: Sendable, Equatable {
    /// service → dotted address.
    public var byService: [String: String]

    public init(byService: [String: String]) {
        self.byService = byService
    }

    static let candidateBlocks = 32
    /// `127.1.0` … `127.254.255`: 127.0.x.x is left to the machine (127.0.0.1, Debian's 127.0.1.1).
    static let blockCount: UInt32 = 254 * 256

    public static func assign(
        project: String, services: [Service],
        isFree: (String, Int) -> Bool = AddressProbe.isFree
    ) -> ServiceAddresses {
        let sorted = services.sorted { $0.name < $1.name }
        let first = block(forProject: project)
        var fallback: ServiceAddresses?
        for attempt in 0..<UInt32(candidateBlocks) {
            let block = (first &+ attempt &* 7919) % blockCount
            let addresses = ServiceAddresses(byService: Dictionary(uniqueKeysWithValues: sorted.enumerated().map {
                ($0.element.name, address(block: block, index: $0.offset))
            }))
            fallback = fallback ?? addresses
            let free = sorted.allSatisfy { service in
                service.containerPorts.allSatisfy { isFree(addresses.byService[service.name]!, $0) }
            }
            if free { return addresses }
        }
        return fallback ?? ServiceAddresses(byService: [:])
    }

    /// The first candidate block of a project, stable across runs and machines.
    static func block(forProject project: String) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in project.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash % blockCount
    }

    /// 254 services per `127.<a>.<b>`; more spill into the next `<b>`.
    static func address(block: UInt32, index: Int) -> String {
        let a = 1 + block / 256
        let b = (Int(block % 256) + index / 254) % 256
        return "127.\(a).\(b).\(1 + index % 254)"
    }
}
