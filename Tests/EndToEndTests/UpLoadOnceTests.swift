import Foundation
import Glibc
import Testing

/// `up -d` loads the compose files once: the background supervisor runs the
/// project the CLI loaded instead of reading the files again.
@Suite("up -d loads the project once")
struct UpLoadOnceTests {
    @Test func upDetachedOpensTheComposeFileAsOftenAsOneLoadDoes() async throws {
        try await withStack("""
            services:
              app:
                command: sh -c 'echo up; exec sleep 1000'
            """) { stack in
            let opens = try FileOpenCounter(watching: stack.composeFile)
            let config = try await stack.run(["config", "-q"])
            let oneLoad = opens.take()
            let up = try await stack.run(["up", "-d"])
            let upLoads = opens.take()
            let records = try await stack.psRecords()
            let down = try await stack.run(["down"])

            #expect(config.status == 0, "\(config.errors)")
            #expect(up.status == 0, "\(up.errors)")
            #expect(oneLoad > 0)
            #expect(upLoads == oneLoad, "up -d opened the compose file \(upLoads) times, one load opens it \(oneLoad) times")
            #expect(records["app"]?["State"] as? String == "running")
            #expect(down.status == 0, "\(down.errors)")
        }
    }
}

/// Counts the opens of one file through inotify; `take()` returns the opens
/// since the last call. Closes are watched too: inotify merges an event into
/// an identical one still unread, so two opens in a row would count as one,
/// while open, close, open, close stay four events.
final class FileOpenCounter {
    private let descriptor: CInt

    init(watching path: String) throws {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        guard inotify_add_watch(descriptor, path, UInt32(IN_OPEN) | UInt32(IN_CLOSE_NOWRITE)) >= 0 else {
            close(descriptor)
            throw POSIXError(.ENOENT)
        }
    }

    deinit { close(descriptor) }

    func take() -> Int {
        var opens = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { return opens }
            var offset = 0
            while offset + 16 <= count {
                let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                let nameLength = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) }
                if mask & UInt32(IN_OPEN) != 0 { opens += 1 }
                offset += 16 + Int(nameLength)
            }
        }
    }
}
