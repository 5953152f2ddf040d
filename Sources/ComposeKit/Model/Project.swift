/// A loaded, interpolated, merged and validated compose project: the one
/// model every other part of Slipway works on.
public struct Project: Sendable, Equatable, Codable {
    /// Normalized project name (`[a-z0-9_-]`, lower-case).
    public var name: String
    /// Absolute project directory; relative paths in services resolve against it.
    public var directory: String
    /// The compose files that were read, in merge order (absolute paths, `-` for stdin).
    public var composeFiles: [String]
    /// Enabled services, keyed by name.
    public var services: [String: Service]
    /// Services that profiles disabled; kept so `config --profiles` and
    /// dependency checks can name them.
    public var disabledServices: [String: Service]
    /// Top-level keys Slipway does not emulate (`networks`, `volumes`,
    /// `secrets`, `configs`, `models`), kept for `config` output.
    public var networks: ComposeValue?
    public var volumes: ComposeValue?
    public var secrets: ComposeValue?
    public var configs: ComposeValue?
    /// Top-level `models` (AI model runners), kept for `config` output.
    public var models: ComposeValue?
    /// Top-level `x-*` keys.
    public var extensions: [String: ComposeValue]

    public init(
        name: String,
        directory: String,
        composeFiles: [String] = [],
        services: [String: Service] = [:],
        disabledServices: [String: Service] = [:],
        networks: ComposeValue? = nil,
        volumes: ComposeValue? = nil,
        secrets: ComposeValue? = nil,
        configs: ComposeValue? = nil,
        extensions: [String: ComposeValue] = [:]
    ) {
        self.name = name
        self.directory = directory
        self.composeFiles = composeFiles
        self.services = services
        self.disabledServices = disabledServices
        self.networks = networks
        self.volumes = volumes
        self.secrets = secrets
        self.configs = configs
        self.models = nil
        self.extensions = extensions
    }
}
