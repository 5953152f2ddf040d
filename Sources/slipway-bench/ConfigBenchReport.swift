import Foundation

/// The config benchmark's figures, as printed and as pasted into docs/benchmarks.md.
struct ConfigBenchReport {
    let services: Int
    let fileBytes: Int
    let samples: [ConfigBenchProcess.Sample]
    let command: String

    var text: String {
        let walls = samples.map(\.wall).sorted()
        let median = walls[walls.count / 2]
        let peak = samples.map(\.peakKilobytes).max() ?? 0
        return """
        slipway-bench config: \(services) services (\(fileBytes / 1024) KiB of YAML, interpolation + extends)
        command: \(command)
        runs: \(samples.count) (after 1 warm-up)
        wall time: median \(milliseconds(median)) ms, min \(milliseconds(walls.first ?? .zero)) ms, max \(milliseconds(walls.last ?? .zero)) ms
        peak RSS of slipway: \(peak / 1024) MiB (\(peak) KiB)
        peer: docker compose config -q (\(Self.dockerComposeAvailable ? "installed, run it by hand on the same file" : "not installed on this machine"))
        """
    }

    private func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    private static var dockerComposeAvailable: Bool {
        let paths = ["/usr/libexec/docker/cli-plugins/docker-compose", "/usr/lib/docker/cli-plugins/docker-compose", "/usr/local/lib/docker/cli-plugins/docker-compose"]
        return paths.contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
