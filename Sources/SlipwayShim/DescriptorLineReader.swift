import Glibc

/// Blocking line reader over a descriptor; only for the shim's own thread,
/// never for code that runs on Swift concurrency's pool.
package struct DescriptorLineReader {
    package let descriptor: CInt
    private var pending: [UInt8] = []

    package init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// The next line without its newline; nil at end of input.
    package mutating func nextLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            pending.append(contentsOf: chunk[0..<count])
        }
    }
}
