import Glibc
import SlipwayRuntime

/// The other way to list listening sockets: read `/proc/net/tcp` and
/// `/proc/net/tcp6` and keep the rows in state 0A (LISTEN). Here only to be
/// measured against `ListeningSockets` (sock_diag).
enum ProcNetTCP {
    static func listening() -> [ListeningSocket] {
        ["/proc/net/tcp", "/proc/net/tcp6"].flatMap { rows(of: read($0)) }
    }

    private static func read(_ path: String) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            guard count > 0 else { return contents }
            contents.append(contentsOf: chunk[..<count])
        }
    }

    /// Fields: sl, local_address (HEXIP:HEXPORT), rem_address, st, …, inode (the tenth).
    private static func rows(of contents: [UInt8]) -> [ListeningSocket] {
        contents.split(separator: UInt8(ascii: "\n")).dropFirst().compactMap { line in
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count > 9, fields[3].elementsEqual("0A".utf8),
                  let colon = fields[1].lastIndex(of: UInt8(ascii: ":")),
                  let port = Int(String(decoding: fields[1][(colon + 1)...], as: UTF8.self), radix: 16),
                  let inode = UInt64(String(decoding: fields[9], as: UTF8.self))
            else { return nil }
            return ListeningSocket(port: port, inode: inode)
        }
    }
}
