import ArgumentParser
import Glibc
import SlipwayRuntime

/// `slipway-bench listen-query`: what one look at the listening sockets
/// costs, by sock_diag (what the listen watch uses) and by reading
/// /proc/net/tcp(6), on the machine as it is and again with many
/// established loopback connections open (a proxy under load).
struct ListenQueryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen-query",
        abstract: "Cost of listing the listening TCP sockets: NETLINK_SOCK_DIAG against /proc/net/tcp(6)."
    )

    @Option(help: "Queries timed per method and situation.")
    var queries = 2000

    @Option(help: "Established loopback connections opened for the second situation.")
    var connections = 2000

    func run() throws {
        guard let diagnostics = ListeningSockets() else { throw ValidationError("NETLINK_SOCK_DIAG is not available here") }
        print("one look at the listening TCP sockets, \(queries) queries each; CPU is the calling thread's, user + system")
        print(pad("situation", 34) + pad("method", 18) + pad("listening", 11) + pad("wall µs/query", 15) + "CPU µs/query")
        report("as the machine is", diagnostics)
        let held = try LoopbackConnections(count: connections)
        report("+\(held.count) established connections", diagnostics)
        held.close()
    }

    private func report(_ situation: String, _ diagnostics: ListeningSockets) {
        let viaDiag = time { diagnostics.query()?.count ?? -1 }
        let viaProc = time { ProcNetTCP.listening().count }
        print(pad(situation, 34) + pad("sock_diag", 18) + pad("\(viaDiag.listed)", 11)
            + pad(format(viaDiag.wall), 15) + format(viaDiag.cpu))
        print(pad("", 34) + pad("/proc/net/tcp(6)", 18) + pad("\(viaProc.listed)", 11)
            + pad(format(viaProc.wall), 15) + format(viaProc.cpu))
    }

    private func time(_ query: () -> Int) -> (listed: Int, wall: Double, cpu: Double) {
        var listed = query()
        let wallStart = MonotonicClock.nanoseconds()
        let cpuStart = Self.threadCPUNanoseconds()
        for _ in 0..<queries { listed = query() }
        let cpu = Double(Self.threadCPUNanoseconds() - cpuStart) / 1000 / Double(queries)
        let wall = Double(MonotonicClock.nanoseconds() - wallStart) / 1000 / Double(queries)
        return (listed, wall, cpu)
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    private func format(_ microseconds: Double) -> String { String(format: "%.1f", microseconds) }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// `count` connected loopback socket pairs held open.
private final class LoopbackConnections {
    private var descriptors: [CInt] = []
    private(set) var count = 0

    init(count wanted: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        descriptors.append(listener)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4096) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw ValidationError("cannot listen on the loopback interface") }
        for _ in 0..<wanted {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
            }
            let server = connected ? accept(listener, nil, nil) : -1
            guard client >= 0, server >= 0 else {
                if client >= 0 { Glibc.close(client) }
                break
            }
            descriptors += [client, server]
            count += 1
        }
    }

    func close() {
        descriptors.forEach { _ = Glibc.close($0) }
        descriptors = []
    }
}
