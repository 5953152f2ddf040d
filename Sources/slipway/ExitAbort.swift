import ArgumentParser
import ComposeKit
import SlipwayRuntime

/// `up --abort-on-container-exit`, `--abort-on-container-failure` and
/// `--exit-code-from`, as docker compose has them: which ending of a service
/// stops the whole project, and which exit code `up` then returns.
struct ExitAbort: Sendable, Equatable {
    enum Trigger: Sendable, Equatable {
        /// Any service that ends for good.
        case anyExit
        /// A service that ends for good with a non-zero code.
        case failure
    }

    let trigger: Trigger
    /// The service whose exit code `up` returns (`--exit-code-from`); nil:
    /// the code of the service that caused the abort.
    let exitCodeFrom: String?
    /// One-shots that others wait for with `service_completed_successfully`:
    /// their exit 0 is their job done, not a reason to stop the project.
    let oneShots: Set<String>

    init(trigger: Trigger, exitCodeFrom: String?, project: Project) {
        self.trigger = trigger
        self.exitCodeFrom = exitCodeFrom
        oneShots = Set(project.services.values.flatMap { service in
            service.dependsOn.filter { $0.value.condition == .serviceCompletedSuccessfully }.map(\.key)
        }).subtracting([exitCodeFrom].compactMap { $0 })
    }

    /// The service and exit code that stop the project, when `event` is such an ending.
    func cause(_ event: ServiceEvent) -> (service: String, code: Int32)? {
        let code: Int32
        switch event.kind {
        case .completed: code = 0
        case .exited(let status): code = status.code
        default: return nil
        }
        if code == 0, trigger == .failure || oneShots.contains(event.service) { return nil }
        return (event.service, code)
    }
}

/// Records the first abort and its exit code; shared by the event renderer
/// (which sees the cause) and `up` (which returns the code).
actor AbortRecord {
    private(set) var cause: (service: String, code: Int32)?

    /// True for the first cause only: the caller then stops the project.
    func record(_ cause: (service: String, code: Int32)) -> Bool {
        guard self.cause == nil else { return false }
        self.cause = cause
        return true
    }
}

/// A service's exit code passed on as `up`'s own, with nothing to print.
struct PassedExitCode: Error {
    var code: Int32
}
