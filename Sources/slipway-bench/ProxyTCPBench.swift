import ArgumentParser
import Foundation

/// `slipway-bench proxy tcp`: TCP mode where its traffic is real: pgbench through Slipway, through
/// haproxy in tcp mode and direct against one Postgres; a bulk transfer through Slipway and
/// direct; the proxy's thread count with 1 and with 50 listeners.
struct ProxyTCPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcp",
        abstract: "pgbench, bulk transfer and thread count of Slipway's TCP mode beside haproxy tcp and direct."
    )

    @Option(help: "Seconds per pgbench run.")
    var duration = 10

    @Option(help: "Rounds; each runs every target once, alternating the order between rounds.")
    var rounds = 3

    @Option(help: "Megabytes per bulk transfer.")
    var bulkMegabytes = 500

    func run() async throws {
        for tool in ["haproxy", "pgbench", "setpriv"] where ToolPath.find(tool) == nil {
            throw ProxyBenchError.missingTool(tool)
        }
        let directory = try FileManager.default.url(
            for: .itemReplacementDirectory, in: .userDomainMask,
            appropriateFor: URL(fileURLWithPath: "/tmp"), create: true
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let peers = ProxyBenchPeers(directory: directory)
        print("proxy tcp benchmark: .build/release/slipway-bench proxy tcp --duration \(duration) --rounds \(rounds) --bulk-megabytes \(bulkMegabytes)")
        try threadCounts(peers)
        try bulk(peers)
        try pgbench(peers)
    }

    private func threadCounts(_ peers: ProxyBenchPeers) throws {
        let source = try BulkSource(bytes: 0)
        defer { source.stop() }
        var counts: [Int: Int] = [:]
        for listeners in [1, 50] {
            let proxy = try peers.startSlipway(mode: "tcp", upstreamPort: source.port, extraListeners: listeners - 1)
            defer { proxy.stop() }
            counts[listeners] = proxy.threadCount() ?? -1
        }
        print("threads  slipway with 1 listener: \(counts[1]!)  with 50 listeners: \(counts[50]!)")
    }

    /// The same transfer direct, through Slipway's TCP mode and through haproxy tcp (which copies
    /// through its buffers: no `option splice-*`), with the CPU time each spends per gigabyte.
    private func bulk(_ peers: ProxyBenchPeers) throws {
        let bytes = bulkMegabytes * 1_000_000
        let gigabytes = Double(bytes) / 1e9
        let source = try BulkSource(bytes: bytes)
        defer { source.stop() }
        let slipway = try peers.startSlipway(mode: "tcp", upstreamPort: source.port)
        defer { slipway.stop() }
        let haproxy = try peers.start(.haproxyTCP, backendPort: source.port)
        defer { haproxy.stop() }
        let targets: [(name: String, port: Int, proxy: ProxyBenchProcess?)] =
            [("direct", source.port, nil), ("slipway tcp", slipway.port, slipway), ("haproxy tcp", haproxy.port, haproxy)]
        var rates: [String: [Double]] = [:]
        var proxyCPU: [String: [Double]] = [:]
        var endpointsCPU: [String: [Double]] = [:]
        for round in 1...max(1, rounds) {
            for target in round % 2 == 1 ? targets : targets.reversed() {
                let endpointsBefore = ProxyCPUTime.ofThisProcess()
                let proxyBefore = try target.proxy?.cpuTime()
                let rate = try BulkSource.receiveAll(from: target.port, expecting: bytes)
                let endpoints = (ProxyCPUTime.ofThisProcess() - endpointsBefore).totalSeconds / gigabytes
                rates[target.name, default: []].append(rate)
                endpointsCPU[target.name, default: []].append(endpoints)
                var line = "round \(round)  bulk \(target.name.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                    + String(format: "%6.0f MB/s  CPU per GB: sender and receiver %.2f s", rate, endpoints)
                if let proxy = target.proxy, let proxyBefore {
                    let spent = try proxy.cpuTime() - proxyBefore
                    proxyCPU[target.name, default: []].append(spent.totalSeconds / gigabytes)
                    line += String(format: ", proxy %.2f s (user %.2f, sys %.2f)", spent.totalSeconds / gigabytes,
                                   spent.userSeconds / gigabytes, spent.systemSeconds / gigabytes)
                }
                print(line)
            }
        }
        for target in targets {
            var line = "bulk     \(target.name.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                + String(format: "%6.0f MB/s  CPU per GB: sender and receiver %.2f s", median(rates[target.name]!), median(endpointsCPU[target.name]!))
            if let cpu = proxyCPU[target.name] { line += String(format: ", proxy %.2f s", median(cpu)) }
            print(line)
        }
        let direct = median(rates["direct"]!)
        let through = median(rates["slipway tcp"]!)
        print(String(format: "bulk     slipway / direct %.2fx  slipway / haproxy %.2fx", through / direct, through / median(rates["haproxy tcp"]!)))
    }

    private func pgbench(_ peers: ProxyBenchPeers) throws {
        let postgres = try BenchPostgres()
        defer { postgres.stop() }
        try postgres.initializePgbench()
        let slipway = try peers.startSlipway(mode: "tcp", upstreamPort: postgres.port)
        defer { slipway.stop() }
        let haproxy = try peers.start(.haproxyTCP, backendPort: postgres.port)
        defer { haproxy.stop() }
        let targets = [("direct", postgres.port), ("slipway tcp", slipway.port), ("haproxy tcp", haproxy.port)]
        var tps: [String: [Double]] = [:]
        for round in 1...max(1, rounds) {
            let order = round % 2 == 1 ? targets : targets.reversed()
            for (name, port) in order {
                let result = try postgres.pgbench(port: port, seconds: duration)
                tps[name, default: []].append(result)
                print("round \(round)  pgbench \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(String(format: "%8.0f", result)) tps")
            }
        }
        let direct = median(tps["direct"]!)
        let through = median(tps["slipway tcp"]!)
        let peer = median(tps["haproxy tcp"]!)
        print("pgbench  direct \(String(format: "%.0f", direct)) tps  slipway tcp \(String(format: "%.0f", through)) tps  haproxy tcp \(String(format: "%.0f", peer)) tps")
        print("pgbench  slipway / haproxy \(String(format: "%.2f", through / peer))x  slipway / direct \(String(format: "%.2f", through / direct))x")
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
