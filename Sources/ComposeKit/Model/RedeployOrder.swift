/// How a redeploy of a service replaces its running instance
/// (`deploy.update_config.order`).
public enum RedeployOrder: String, Sendable, Equatable {
    /// Green starts beside blue, then traffic switches: no downtime.
    case startFirst = "start-first"
    /// Blue stops before green starts: two servers cannot share one data
    /// directory, so a service whose data lives in a volume redeploys so.
    case stopFirst = "stop-first"
}

extension Service {
    /// `deploy.update_config.order` when the file writes it; otherwise
    /// stop-first for a service whose data lives in a volume (an image
    /// adapter's data path: a named volume, a bind mount, or
    /// `data/<service>`), start-first for every other.
    public var redeployOrder: RedeployOrder {
        if let written = writtenUpdateOrder { return written }
        return dataLivesInVolume ? .stopFirst : .startFirst
    }

    /// True for an image adapter's service: its data path is a directory that
    /// outlives the instance, whichever mount (or none) provides it.
    public var dataLivesInVolume: Bool { imageRun != nil }

    private var writtenUpdateOrder: RedeployOrder? {
        guard case .mapping(let deploy)? = notEmulated["deploy"],
              case .mapping(let update)? = deploy.first(where: { $0.key == "update_config" })?.value,
              case .string(let order)? = update.first(where: { $0.key == "order" })?.value
        else { return nil }
        return RedeployOrder(rawValue: order)
    }
}
