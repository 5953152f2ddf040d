/// One step of a deploy, streamed to the CLI as it happens.
public struct DeployProgress: Sendable, Codable, Equatable {
    public enum Step: String, Sendable, Codable, Equatable {
        case upToDate = "up to date"
        case created, starting, started, releasing, released, healthy, switched, draining, drained
        case keptPrevious = "kept previous"
        case stoppingPrevious = "stopping previous"
        case stoppedPrevious = "stopped previous"
        case live, failed, orphaned, removed
        /// `slipway rollback`: which deployment the service returns to.
        case rollingBack = "rolling back"
        /// `deploy --preview`: the new instance is ready and reachable on its preview port.
        case previewing
    }

    public var service: String
    /// The instance the step concerns (`web-2`); empty for the service as a whole.
    public var instance: String
    public var step: Step
    /// Milliseconds since this service's deploy began.
    public var elapsedMilliseconds: Int
    public var detail: String
    /// `switched`: how long moving every listener of the service took.
    public var measuredMicroseconds: Int?

    public init(
        service: String, instance: String = "", step: Step, elapsedMilliseconds: Int, detail: String = "",
        measuredMicroseconds: Int? = nil
    ) {
        self.service = service
        self.instance = instance
        self.step = step
        self.elapsedMilliseconds = elapsedMilliseconds
        self.detail = detail
        self.measuredMicroseconds = measuredMicroseconds
    }
}

/// What a deploy did, service by service.
public struct DeployReport: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, Equatable {
        case upToDate = "up to date"
        /// The new version is live.
        case deployed
        /// `--no-wait`: the deployment began.
        case begun
        /// A new service was started.
        case created
        case failed
        /// Gone from the files; still running without `--remove-orphans`.
        case orphaned
        case removed
        /// `deploy --preview`: the new instance waits on its preview port for `promote` or `abort`.
        case previewing
        /// `slipway abort`: the previewed instance was discarded.
        case aborted
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var service: String
        public var outcome: Outcome
        public var deploymentID: Int64?
        public var reason: String
        /// The new instance's last lines, for a failure.
        public var lastLines: [String]
        /// `previewing`: where the new instance answers (`127.0.0.1:PORT`).
        public var previewAddress: String?

        public init(
            service: String, outcome: Outcome, deploymentID: Int64? = nil, reason: String = "", lastLines: [String] = [],
            previewAddress: String? = nil
        ) {
            self.service = service
            self.outcome = outcome
            self.deploymentID = deploymentID
            self.reason = reason
            self.lastLines = lastLines
            self.previewAddress = previewAddress
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public var failed: [Entry] { entries.filter { $0.outcome == .failed } }
}
