import SlipwayProxy

/// `slipway fault`: the proxy's injected latency and errors for every listener of a service.
/// The fault belongs to the listeners, not to an instance, so it outlasts deploys and rollbacks
/// until `fault --reset` or `down`.
extension Supervisor {
    public func fault(_ request: FaultRequest) async throws -> FaultReport {
        guard runners[request.service] != nil else { throw ControlFailure.noSuchService(request.service) }
        let keys = (context?.endpoints.listeners[request.service] ?? [:]).values.flatMap { $0 }
            .sorted { ($0.service == request.service ? 0 : 1, $0.description) < ($1.service == request.service ? 0 : 1, $1.description) }
        guard let first = keys.first else {
            throw ControlFailure(
                kind: .invalidRequest,
                message: "\(request.service) has no ports (`ports:` or `expose:`): the proxy carries none of its traffic to inject a fault into")
        }
        var fault = (try? await proxy.fault(for: first)) ?? .none
        if request.reset { fault = .none }
        if let milliseconds = request.latencyMilliseconds { fault.latency = .milliseconds(milliseconds) }
        if let rate = request.errorRate { fault.errorRate = rate }
        guard fault.isValid else {
            throw ControlFailure(
                kind: .invalidRequest,
                message: "a fault's latency is 0 to \(ListenerFault.maximumLatency.components.seconds)s and its error rate 0 to 1")
        }
        var listeners: [String] = []
        for key in keys {
            guard let listener = await proxy.listener(for: key) else { continue }
            if request.changes { try await proxy.setFault(fault, for: key) }
            listeners.append("\(listener.host):\(listener.boundPort) (\(listener.mode.rawValue))")
        }
        return FaultReport(service: request.service, fault: fault, listeners: listeners)
    }
}
