/// `slipway rollback SERVICE [--to ID]`.
public struct RollbackRequest: Sendable, Codable, Equatable {
    public var service: String
    /// The deployment to return to; nil: the last one before the serving
    /// version that went live.
    public var to: Int64?

    public init(service: String, to: Int64? = nil) {
        self.service = service
        self.to = to
    }
}
