/// One entry of a service's `volumes`: what is mounted at a container path.
/// Slipway has no container filesystem; a mount matters where an image
/// adapter keeps its data or reads its init scripts (docs/images.md).
public struct VolumeMount: Sendable, Equatable, Codable {
    public enum Source: Sendable, Equatable, Codable {
        /// A named volume: `<state>/volumes/<name>`, kept by `down`, removed by `down -v`.
        case volume(String)
        /// A host directory, absolute (relative paths resolved against the project directory).
        case bind(String)
        /// `- /var/lib/postgresql/data` alone: docker's anonymous volume.
        case anonymous
    }

    public var source: Source
    /// The container path.
    public var target: String
    public var readOnly: Bool

    public init(source: Source, target: String, readOnly: Bool = false) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }
}

/// docker's rule for volume names, `[a-zA-Z0-9][a-zA-Z0-9_.-]*`: always one
/// path component, never `.` or `..`.
public enum VolumeName {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
    }
}
