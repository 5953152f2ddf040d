import SlipwayStore

/// One deployment in progress: its state machine, its row in the log, its
/// clock, and where its progress goes.
struct DeploymentRun: Sendable {
    let service: String
    let id: Int64?
    let source: DeploymentSource
    /// Set by a drill's bad release: the new instance is never ready, for this reason.
    var forcedHealthFailure: String?
    private(set) var machine = DeploymentMachine()
    private let journal: (any DeploymentJournal)?
    private var progress: @Sendable (DeployProgress) -> Void
    private let began = ContinuousClock.now

    init(
        snapshot: DeploymentSnapshot, source: DeploymentSource, previous: Int64?, rollbackOf: Int64? = nil,
        journal: (any DeploymentJournal)?, progress: @escaping @Sendable (DeployProgress) -> Void
    ) {
        service = snapshot.service
        self.source = source
        self.journal = journal
        self.progress = progress
        id = journal?.begin(snapshot, source: source, previous: previous, rollbackOf: rollbackOf)
    }

    var elapsed: Duration { .now - began }

    /// A later command (`promote`, `abort`) takes over the deployment's progress.
    mutating func report(to progress: @escaping @Sendable (DeployProgress) -> Void) {
        self.progress = progress
    }

    /// Takes the machine one step and records the new status.
    mutating func handle(_ event: DeploymentMachine.Event, reason: String? = nil) {
        let before = machine.status
        // A step the machine refuses is a runtime defect; the log says so rather than lying.
        do {
            try machine.handle(event)
        } catch {
            note(.note, "defect: \(error.description)")
            return
        }
        guard let id, machine.status != before else { return }
        journal?.record(id, status: machine.status, reason: reason)
    }

    /// A row of the timeline (health result, release result, switch, drain).
    func note(_ kind: DeploymentEventKind, _ detail: String) {
        guard let id else { return }
        journal?.note(id, kind: kind, detail: detail)
    }

    /// Tells the client, and the timeline.
    func step(_ step: DeployProgress.Step, instance: String = "", _ detail: String = "", measured: Duration? = nil) {
        progress(DeployProgress(
            service: service, instance: instance, step: step,
            elapsedMilliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            detail: detail,
            measuredMicroseconds: measured.map { Int($0.components.seconds * 1_000_000 + $0.components.attoseconds / 1_000_000_000_000) }))
        let text = [instance, step.rawValue, detail].filter { !$0.isEmpty }.joined(separator: " ")
        switch step {
        case .switched: note(.proxySwitch, text)
        case .draining, .drained: note(.drain, text)
        case .releasing, .released: note(.release, text)
        case .healthy, .failed: break
        default: note(.note, text)
        }
    }
}
