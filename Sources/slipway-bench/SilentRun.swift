import Foundation

/// Runs a `slipway` command to its end with its output discarded: the
/// benches time or sample around it and only need its exit status.
enum SilentRun {
    static func status(_ binary: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
