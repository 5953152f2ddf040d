/// What `stop`, `start`, `restart`, `kill` or `down` did, instance by
/// instance, for the CLI to print as docker compose does (`✔ web  Stopped`).
public struct ActionReport: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var name: String
        public var service: String
        public var outcome: ActionOutcome
        /// Why an instance failed, in words for the user; empty otherwise.
        public var detail: String

        public init(name: String, service: String, outcome: ActionOutcome, detail: String = "") {
            self.name = name
            self.service = service
            self.outcome = outcome
            self.detail = detail
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public var failed: [Entry] { entries.filter { $0.outcome == .failed } }
}

public enum ActionOutcome: String, Sendable, Codable, Equatable {
    case started, stopped, restarted, killed, removed, paused, unpaused, failed
}
