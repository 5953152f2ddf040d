/// One wrk run against a target, with the CPU time the target's processes spent during it.
struct ProxyBenchMeasurement {
    var wrk: ProxyWrk.Result
    var cpu: ProxyCPUTime

    /// Runs `wrk` against `process`, reading the process's CPU time right before and right after.
    static func run(_ wrk: ProxyWrk, against process: ProxyBenchProcess) throws -> ProxyBenchMeasurement {
        let before = try process.cpuTime()
        let result = try wrk.run(port: process.port)
        let after = try process.cpuTime()
        return ProxyBenchMeasurement(wrk: result, cpu: after - before)
    }

    var userMicrosecondsPerRequest: Double { perRequest(cpu.userSeconds) }
    var systemMicrosecondsPerRequest: Double { perRequest(cpu.systemSeconds) }
    var totalMicrosecondsPerRequest: Double { perRequest(cpu.totalSeconds) }

    private func perRequest(_ seconds: Double) -> Double {
        wrk.requests > 0 ? seconds * 1_000_000 / Double(wrk.requests) : .nan
    }
}
