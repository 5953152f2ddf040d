import SlipwayRuntime

/// What `stop` and `down` say when no supervisor runs: nothing to do is not a failure.
enum NotRunning {
    static func line(_ endpoint: ControlEndpoint) -> String {
        "project \(endpoint.project) is not running (state directory \(endpoint.stateDirectory.path)); nothing to stop"
    }
}
