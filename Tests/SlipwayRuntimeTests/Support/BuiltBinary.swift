import Foundation

/// The executables SwiftPM built next to this test bundle.
enum BuiltBinary {
    static var slipway: String { beside("slipway") }
    /// `slipway-shim`, what the supervisor starts every instance and `CMD` check through.
    static var shim: String { beside("slipway-shim") }

    private static func beside(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }
}
