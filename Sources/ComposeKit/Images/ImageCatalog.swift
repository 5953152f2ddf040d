/// The images Slipway can run without a command. A new image is a new
/// `ImageAdapter` file and one line here.
public enum ImageCatalog {
    public static let adapters: [ImageAdapter] = [.postgres, .rabbitmq, .redis]

    public static var knownImages: [String] { adapters.map(\.image) }

    public static func adapter(for image: String) -> ImageAdapter? {
        let name = ImageReference(parsing: image).name
        return adapters.first { $0.image == name }
    }
}

/// A service that runs an image adapter: the adapter, the image's tag, and
/// the arguments the file gives the server.
public struct ImageRun: Sendable, Equatable {
    public var adapter: ImageAdapter
    public var reference: ImageReference
    /// `command: redis-server --appendonly yes` → `--appendonly yes`.
    public var serverArguments: [String]
}

extension Service {
    /// The adapter that runs this service, when it has a known image and no
    /// command of its own: no `command` (nor `x-slipway.command`, nor
    /// `entrypoint`), or a command that starts with the server's own name or
    /// with an option, which the image's entrypoint would give the server too.
    public var imageRun: ImageRun? {
        guard entrypoint == nil, slipway.command == nil, let image, let adapter = ImageCatalog.adapter(for: image) else {
            return nil
        }
        let reference = ImageReference(parsing: image)
        guard let command else { return ImageRun(adapter: adapter, reference: reference, serverArguments: []) }
        let words: [String]
        switch command {
        case .exec(let list): words = list
        case .shell(let line): words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        let serverName = adapter.server.path.split(separator: "/").last.map(String.init)
        if let first = words.first, first == serverName {
            return ImageRun(adapter: adapter, reference: reference, serverArguments: Array(words.dropFirst()))
        }
        if let first = words.first, first.hasPrefix("-") {
            return ImageRun(adapter: adapter, reference: reference, serverArguments: words)
        }
        return nil
    }
}
