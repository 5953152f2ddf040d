/// What one health probe does.
public enum ProbeCheck: Sendable, Equatable {
    /// `CMD`: exec'd directly, the program found through the instance's `PATH`.
    case exec([String])
    /// `CMD-SHELL` or a plain string: run by `/bin/sh -c`.
    case shell(String)
    /// `x-slipway.health_path`: `GET path` on 127.0.0.1:`port`; 2xx and 3xx are healthy.
    case http(port: Int, path: String)
}
