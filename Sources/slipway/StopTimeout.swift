import ArgumentParser
import SlipwayRuntime

/// `-t` of `stop`, `restart` and `down`: whole seconds within the limit the
/// supervisor accepts, so a typo is a usage error rather than a refused request.
enum StopTimeout {
    static func validate(_ seconds: Int?) throws {
        guard let seconds, !(0...ControlRequest.maximumTimeoutSeconds).contains(seconds) else { return }
        throw ValidationError("--timeout takes 0 to \(ControlRequest.maximumTimeoutSeconds) seconds, not \(seconds)")
    }
}
