import Foundation
import Glibc

/// What a detached supervisor tells the `up -d` that started it, as one JSON
/// line on descriptor 3: its services are started, or the bring-up failed
/// (with `up`'s exit code and message). Then it closes the descriptor, so the
/// `up -d` can end while the supervisor runs on.
public struct BringUpReport: Sendable, Codable, Equatable {
    /// The descriptor the detached supervisor writes its report to.
    public static let descriptor: CInt = 3

    /// nil when the services are started.
    public var exitCode: Int32?
    public var message: String

    public static let started = BringUpReport(exitCode: nil, message: "")

    public init(exitCode: Int32?, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    /// Sends the report (once) and closes the descriptor.
    public func send() {
        guard var line = try? JSONEncoder().encode(self) else { return }
        line.append(0x0A)
        line.withUnsafeBytes { bytes in _ = write(Self.descriptor, bytes.baseAddress, bytes.count) }
        close(Self.descriptor)
    }
}
