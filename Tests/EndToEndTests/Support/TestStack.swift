import Foundation
import Glibc

/// A compose file in its own temporary directory, with its own state directory.
struct TestStack: Sendable {
    let directory: String
    let runID: String
    let composeFile: String

    init(_ compose: String) throws {
        try self.init(composeFile: nil)
        try compose.write(toFile: composeFile, atomically: true, encoding: .utf8)
    }

    /// A stack whose compose file already exists (an example of the repository).
    init(composeFile existing: String?) throws {
        runID = UUID().uuidString
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-e2e-\(runID.prefix(8))").path
        composeFile = existing ?? directory + "/compose.yaml"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }
    var stateDirectory: String { directory + "/state" }

    static var slipwayBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("slipway").path
    }

    func start(_ arguments: [String] = ["up"], environment: [String: String] = [:], terminal: Bool = false) throws -> SlipwayProcess {
        try SlipwayProcess(self, arguments: arguments, environment: environment, terminal: terminal)
    }

    /// Live processes (not zombies) started for this stack.
    func processes() -> [Int32] {
        let marker = Array("SLIPWAY_E2E_RUN=\(runID)".utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"),
                  stat[stat.index(close, offsetBy: 2)] != "Z"
            else { return false }
            return environ.split(separator: 0).contains { Array($0) == marker }
        }
    }

    func killLeftovers() async {
        for _ in 0..<50 {
            let left = processes()
            if left.isEmpty { break }
            left.forEach { kill($0, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func log(_ service: String) -> String {
        (try? String(contentsOfFile: "\(stateDirectory)/logs/\(service).log", encoding: .utf8)) ?? ""
    }

    /// A port that was free a moment ago (asked of the kernel, not fixed).
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length)
                return getsockname(socket, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
