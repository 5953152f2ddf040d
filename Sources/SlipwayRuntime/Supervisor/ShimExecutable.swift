import Glibc

/// Where `slipway-shim` is: the program every instance and every `CMD`
/// health check is started through (docs/architecture.md). It is built and
/// installed beside `slipway`, so it is looked for in the same directory.
public enum ShimExecutable {
    public static let name = "slipway-shim"

    /// The shim beside the `slipway` at `slipway`; the error says where it was looked for.
    public static func beside(_ slipway: String) throws(ShimExecutableError) -> String {
        let directory = slipway.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = (directory.isEmpty ? "." : directory) + "/" + name
        guard access(path, X_OK) == 0 else { throw ShimExecutableError(path: path) }
        return path
    }
}

/// `slipway-shim` is missing or not executable where it belongs.
public struct ShimExecutableError: Error, CustomStringConvertible, Equatable {
    public var path: String

    public var description: String {
        "cannot find \(ShimExecutable.name) at \(path): it is built with slipway (`swift build`) and must be installed beside it"
    }
}
