/// The built-in drills of `slipway drill` (docs/drills.md). Each works on any
/// service with a published port, without its cooperation: Slipway itself
/// makes the release bad, kills it or freezes it.
public enum DrillScenario: String, Sendable, Codable, CaseIterable {
    /// The running definition redeployed with green's health forced to fail.
    case badRelease = "bad-release"
    /// A forced redeploy whose new instance gets SIGKILL right after the switch.
    case crashAfterSwitch = "crash-after-switch"
    /// The serving instance frozen with SIGSTOP.
    case hang
    /// A forced redeploy, then `slipway rollback`.
    case manualRollback = "manual-rollback"
}
