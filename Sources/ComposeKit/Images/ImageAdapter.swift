/// How Slipway runs one official image with the machine's own server: a
/// declarative description (one file per image, listed in `ImageCatalog`)
/// that the runtime turns into a command line, an environment and
/// directories (docs/images.md).
public struct ImageAdapter: Sendable, Equatable {
    /// The image's repository name, as `image:` writes it (`postgres`).
    public var image: String
    /// The server program and the Debian package that installs it.
    public var server: ServerProgram
    /// The container ports the image exposes (`EXPOSE`), some only for tags
    /// that contain a word (`rabbitmq:3-management` exposes 15672 too).
    public var ports: [ImagePort]
    /// Where the image keeps its data (`VOLUME`); a mount there holds it.
    public var dataPath: String
    /// A variable that moves `dataPath` (`PGDATA`), or nil.
    public var dataPathVariable: String?
    /// Where the image reads first-initialisation scripts, or nil.
    public var initDirectory: String?
    /// Every variable of the image that Slipway honours, with its default.
    public var environment: [HonouredVariable]
    /// A variable the image refuses to start without, unless another one has a given value.
    public var requirement: EnvironmentRequirement?
    /// Client tools that must reach this instance when a health check or
    /// `exec` runs them bare, and how they are pointed at it.
    public var clientTools: [ClientTool]
    /// Variables set to a fresh private loopback port per instance, for
    /// ports the server needs besides its container ports (Erlang's epmd).
    public var internalPorts: [String]
    /// The account the server runs as when Slipway runs as root (the image's `USER`).
    public var account: String?
    /// The image's `STOPSIGNAL`, used unless the file sets `stop_signal`.
    public var stopSignal: String?
    /// The entrypoint: a POSIX shell script run with the server's extra
    /// arguments (`command:` after the server's name), that prepares the
    /// data directory on first start and then `exec`s the server. It reads
    /// the instance from `SLIPWAY_SERVER`, `SLIPWAY_IMAGE_DATA`,
    /// `SLIPWAY_IMAGE_RUN`, `SLIPWAY_IMAGE_INIT`, `SLIPWAY_IMAGE_TAG` and `PORT_<T>`.
    public var entrypoint: String

    public init(
        image: String, server: ServerProgram, ports: [ImagePort], dataPath: String, dataPathVariable: String? = nil,
        initDirectory: String? = nil, environment: [HonouredVariable], requirement: EnvironmentRequirement? = nil,
        clientTools: [ClientTool] = [], internalPorts: [String] = [], account: String? = nil, stopSignal: String? = nil,
        entrypoint: String
    ) {
        self.image = image
        self.server = server
        self.ports = ports
        self.dataPath = dataPath
        self.dataPathVariable = dataPathVariable
        self.initDirectory = initDirectory
        self.environment = environment
        self.requirement = requirement
        self.clientTools = clientTools
        self.internalPorts = internalPorts
        self.account = account
        self.stopSignal = stopSignal
        self.entrypoint = entrypoint
    }

    /// The container ports one tag of the image exposes, in order.
    public func containerPorts(tag: String?) -> [Int] {
        ports.filter { port in port.tagWord.map { word in tag?.contains(word) ?? false } ?? true }.map(\.number)
    }
}

/// The server program of an image. `{major}` in `path` and `package` stands
/// for the tag's major version; without one, the newest installed
/// (`/usr/lib/postgresql/<major>/bin`).
public struct ServerProgram: Sendable, Equatable {
    public var path: String
    public var package: String

    public init(path: String, package: String) {
        self.path = path
        self.package = package
    }

    public var isVersioned: Bool { path.contains("{major}") }
}

public struct ImagePort: Sendable, Equatable {
    public var number: Int
    /// Exposed only when the tag contains this word; nil: always.
    public var tagWord: String?

    public init(_ number: Int, whenTagContains tagWord: String? = nil) {
        self.number = number
        self.tagWord = tagWord
    }
}

public struct HonouredVariable: Sendable, Equatable {
    public var name: String
    public var meaning: String

    public init(_ name: String, _ meaning: String) {
        self.name = name
        self.meaning = meaning
    }
}

/// `POSTGRES_PASSWORD` is required unless `POSTGRES_HOST_AUTH_METHOD=trust`.
public struct EnvironmentRequirement: Sendable, Equatable {
    public var variable: String
    public var unlessVariable: String
    public var unlessValue: String
    /// Why the image insists, for the error message.
    public var reason: String

    public init(variable: String, unlessVariable: String, unlessValue: String, reason: String) {
        self.variable = variable
        self.unlessVariable = unlessVariable
        self.unlessValue = unlessValue
        self.reason = reason
    }

    /// True when the environment satisfies the requirement.
    public func isMet(by environment: [String: String?]) -> Bool {
        if let value = environment[variable] ?? nil, !value.isEmpty { return true }
        return (environment[unlessVariable] ?? nil) == unlessValue
    }
}

/// A client tool of the image and how it finds the instance: through
/// variables it reads (`PGHOST`), or through a wrapper first on the
/// instance's `PATH` that execs `program` with `arguments` before the
/// caller's (`redis-cli -h 127.0.0.1 -p $PORT_6379 …`). `$VAR` in values
/// and arguments expands in the instance's environment.
public struct ClientTool: Sendable, Equatable {
    public var name: String
    /// The real program; nil means the one on `PATH` (only variables are set).
    public var program: String?
    public var arguments: [String]
    public var variables: [String: String]

    public init(name: String, program: String? = nil, arguments: [String] = [], variables: [String: String] = [:]) {
        self.name = name
        self.program = program
        self.arguments = arguments
        self.variables = variables
    }
}
