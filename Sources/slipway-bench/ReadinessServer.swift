import Foundation
import Glibc

/// The service under measurement: a tiny Python HTTP server that waits
/// `startDelay`, starts listening on its port, notes the moment (in
/// CLOCK_MONOTONIC, shared by every process) in a file, then answers every
/// request with 200.
final class ReadinessServer {
    static let script = """
        import os, socket, sys, time
        port, delay, stamp = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
        time.sleep(delay)
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        with open(stamp + ".tmp", "w") as f:
            f.write(str(time.clock_gettime_ns(time.CLOCK_MONOTONIC)))
        os.rename(stamp + ".tmp", stamp)
        while True:
            connection, _ = listener.accept()
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok")
            connection.close()
        """

    let port: Int
    private let stampFile: String
    private let process = Process()

    init(python: String, port: Int, startDelay: Duration, stampFile: String) throws {
        self.port = port
        self.stampFile = stampFile
        process.executableURL = URL(fileURLWithPath: python)
        let seconds = Double(startDelay.components.seconds) + Double(startDelay.components.attoseconds) / 1e18
        process.arguments = ["-c", Self.script, String(port), String(seconds), stampFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// CLOCK_MONOTONIC nanoseconds at which the server started listening, once it has.
    var listeningSince: UInt64? {
        (try? String(contentsOfFile: stampFile, encoding: .utf8)).flatMap { UInt64($0) }
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
