import ArgumentParser
import ComposeKit
import Foundation
import SlipwayRuntime

/// `slipway fault SERVICE`: injects latency or errors into a service's traffic through the proxy,
/// so a drill can rehearse a slow or failing dependency (docs/proxy.md).
struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Inject latency or errors into a service's traffic at the proxy; without options, show the current fault.",
        discussion: """
            HTTP ports: each request waits --latency before it is forwarded, and --error-rate of them are \
            answered 503 by the proxy. TCP ports: each connection's connect to the instance waits --latency, \
            and --error-rate of the connections are reset at accept. Options change only their part; \
            --reset clears both first. The fault stays across deploys and rollbacks until --reset or down.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Delay added to each request (HTTP) or connection (TCP): 200ms, 1.5s, 0 (at most 60s).")
    var latency: String?

    @Option(name: .customLong("error-rate"), help: "Share of requests answered 503 (HTTP) or connections reset (TCP), 0 to 1.")
    var errorRate: Double?

    @Flag(help: "Clear the latency and the error rate (before applying any other option given).")
    var reset = false

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Argument(help: "The service whose traffic is faulted.")
    var service: String

    func validate() throws {
        if let latency {
            guard let duration = DurationParser.parse(latency), duration >= .zero, duration <= .seconds(60) else {
                throw ValidationError("--latency takes a duration from 0 to 60s such as 200ms or 1.5s, not \"\(latency)\"")
            }
        }
        if let errorRate, !(errorRate.isFinite && (0...1).contains(errorRate)) {
            throw ValidationError("--error-rate takes a share from 0 to 1, not \(errorRate)")
        }
    }

    func run() async throws {
        let milliseconds = latency.flatMap(DurationParser.parse).map { duration in
            Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
        }
        let report = try await global.controlClient().fault(
            FaultRequest(service: service, latencyMilliseconds: milliseconds, errorRate: errorRate, reset: reset))
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .text:
            let fault = report.isNone
                ? "no fault"
                : [report.latencyMilliseconds > 0 ? "latency \(report.latencyMilliseconds)ms" : nil,
                   report.errorRate > 0 ? "error rate \(report.errorRate)" : nil].compactMap { $0 }.joined(separator: ", ")
            print("\(report.service): \(fault) on \(report.listeners.joined(separator: ", "))")
        }
    }
}
