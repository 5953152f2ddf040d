#if canImport(Glibc)
import Glibc
#endif
@testable import SlipwayProxy

/// System calls answered from a script, per descriptor: what each read returns, how much each
/// write takes. An exhausted read script would block; an exhausted write script takes everything.
struct ScriptedIO: RelayIO {
    enum Read {
        case bytes(String)
        case wouldBlock
        case end
        case fail(Int32)
    }

    enum Write {
        case take(Int)
        case wouldBlock
        case fail(Int32)
    }

    var reads: [Int32: [Read]] = [:]
    var writes: [Int32: [Write]] = [:]
    var written: [Int32: String] = [:]
    var readCalls: [Int32: Int] = [:]
    var shutDown: Set<Int32> = []
    var connectResult: Int32 = 0
    /// Per-descriptor connect results, over `connectResult`.
    var connectResults: [Int32: Int32] = [:]

    mutating func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        readCalls[fd, default: 0] += 1
        guard var script = reads[fd], !script.isEmpty else { return .wouldBlock }
        defer { reads[fd] = script }
        switch script.removeFirst() {
        case .bytes(let text):
            let bytes = Array(text.utf8)
            let count = min(bytes.count, buffer.count)
            buffer.copyBytes(from: bytes[..<count])
            if count < bytes.count { script.insert(.bytes(String(decoding: bytes[count...], as: UTF8.self)), at: 0) }
            return .transferred(count)
        case .wouldBlock: return .wouldBlock
        case .end: return .endOfInput
        case .fail(let error): return .failed(errno: error)
        }
    }

    mutating func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) -> IOResult {
        var script = writes[fd] ?? []
        defer { writes[fd] = script }
        var count = buffer.count
        if !script.isEmpty {
            switch script.removeFirst() {
            case .take(let limit): count = min(limit, buffer.count)
            case .wouldBlock: return .wouldBlock
            case .fail(let error): return .failed(errno: error)
            }
        }
        written[fd, default: ""] += String(decoding: UnsafeRawBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        return .transferred(count)
    }

    /// The one pipe of these tests: what went in at `pipeWrite` comes out at `pipeRead`.
    static let pipeRead: Int32 = 10
    static let pipeWrite: Int32 = 11
    var piped = ""

    mutating func splice(from source: Int32, to sink: Int32, count: Int) -> IOResult {
        if sink == Self.pipeWrite {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
            defer { scratch.deallocate() }
            let result = read(source, into: scratch)
            if case .transferred(let moved) = result {
                piped += String(decoding: UnsafeRawBufferPointer(rebasing: scratch[..<moved]), as: UTF8.self)
            }
            return result
        }
        let bytes = Array(piped.utf8.prefix(count))
        let result = bytes.withUnsafeBytes { write(sink, from: $0) }
        if case .transferred(let moved) = result { piped = String(decoding: Array(piped.utf8).dropFirst(moved), as: UTF8.self) }
        return result
    }

    mutating func shutdownOutput(_ fd: Int32) {
        shutDown.insert(fd)
    }

    mutating func connectError(_ fd: Int32) -> Int32 {
        connectResults[fd] ?? connectResult
    }
}
