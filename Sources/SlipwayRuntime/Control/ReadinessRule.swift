import ComposeKit

/// What `up --wait` counts as ready, as docker compose does: every instance
/// running and healthy (or just running without a health check), except that
/// a one-shot that dependents need with `service_completed_successfully` is
/// ready once it has exited 0. An exit, a stop or an unhealthy check fails
/// the wait; an instance in restart backoff may still recover, so it is waited for.
public struct ReadinessRule: Sendable, Equatable {
    public var oneShots: Set<String>

    public init(oneShots: Set<String>) {
        self.oneShots = oneShots
    }

    /// The one-shots are the services some service depends on with `service_completed_successfully`.
    public init(project: Project) {
        oneShots = Set(project.services.values.flatMap { service in
            service.dependsOn.filter { $0.value.condition == .serviceCompletedSuccessfully }.map(\.key)
        })
    }

    public func verdict(_ snapshot: StatusSnapshot) -> ReadinessVerdict {
        var waiting: [String] = []
        for instance in snapshot.instances {
            switch check(instance) {
            case .ready: continue
            case .waiting: waiting.append(instance.name)
            case .failed(let reason): return .failed(instance, reason: reason)
            }
        }
        return waiting.isEmpty ? .ready : .waiting(waiting)
    }

    private enum Check {
        case ready, waiting
        case failed(String)
    }

    private func check(_ instance: InstanceStatus) -> Check {
        switch instance.state {
        case .created, .starting, .restarting:
            return instance.health == .unhealthy ? .failed("is unhealthy") : .waiting
        case .running:
            switch instance.health {
            case nil, .healthy: return .ready
            case .starting: return .waiting
            case .unhealthy: return .failed("is unhealthy")
            }
        case .exited:
            return oneShots.contains(instance.service) && instance.exitCode == 0 ? .ready : .failed("exited (\(instance.exitCode))")
        case .stopped:
            return .failed("was stopped")
        case .paused:
            return .failed("is paused")
        }
    }
}

public enum ReadinessVerdict: Sendable, Equatable {
    case ready
    /// The names of the instances not ready yet.
    case waiting([String])
    case failed(InstanceStatus, reason: String)
}
