import Foundation

/// The `slipway` executable SwiftPM built next to this test bundle.
enum BuiltBinary {
    static var slipway: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return directory.appendingPathComponent("slipway").path
    }
}
