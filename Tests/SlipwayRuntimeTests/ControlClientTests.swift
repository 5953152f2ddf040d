import Foundation
import Glibc
import Testing

@testable import SlipwayRuntime

@Suite("Control client without a supervisor, and protocol edge cases")
struct ControlClientTests {
    @Test("no socket file: the error names the project and state directory")
    func noSocket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endpoint = ControlEndpoint(project: "shop", stateDirectory: StateDirectory(path: directory.path + "/missing"))
        let client = ControlClient(endpoint: endpoint)
        await #expect(throws: ControlClientError.noSupervisor(endpoint)) { try await client.status() }
        #expect(!(await client.supervisorIsRunning()))
        let message = ControlClientError.noSupervisor(endpoint).description
        #expect(message.hasPrefix("no supervisor is running for project shop (state directory \(directory.path)/missing)"))
    }

    @Test("a stale socket file left by a killed supervisor counts as no supervisor, and a new server replaces it")
    func staleSocket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let endpoint = ControlEndpoint(project: "shop", stateDirectory: StateDirectory(path: directory.path))
        try leaveStaleSocket(at: endpoint.socketPath)
        #expect(FileManager.default.fileExists(atPath: endpoint.socketPath))
        await #expect(throws: ControlClientError.noSupervisor(endpoint)) {
            try await ControlClient(endpoint: endpoint).status()
        }

        let server = try await ControlServer.bind(endpoint: endpoint, handler: InMemoryProject(services: ["web"]))
        let serving = Task { await server.run() }
        #expect(try await ControlClient(endpoint: endpoint).status().instances.map(\.service) == ["web"])
        await server.shutdown()
        await serving.value
    }

    @Test("a socket path longer than a Unix socket allows is a clear error on both ends")
    func longPath() async throws {
        let endpoint = ControlEndpoint(project: "shop", stateDirectory: StateDirectory(path: "/tmp/" + String(repeating: "d", count: 120)))
        await #expect(throws: ControlClientError.socketPathTooLong(endpoint.socketPath)) {
            try await ControlClient(endpoint: endpoint).status()
        }
        await #expect(throws: ControlServerError.socketPathTooLong(endpoint.socketPath)) {
            _ = try await ControlServer.bind(endpoint: endpoint, handler: InMemoryProject(services: []))
        }
    }

    @Test("an unknown request, a newer protocol version, or a line that is not JSON is answered with invalid-request")
    func garbage() async throws {
        try await ServedProject.serving { served async throws in
            let lines = [
                "{\"version\":1,\"request\":\"dance\"}\n", "{\"version\":2,\"request\":\"status\"}\n", "hello\n",
            ]
            var messages: [String] = []
            for line in lines {
                let path = served.endpoint.socketPath
                let answer = try await offThePool { try rawExchange(path: path, line: line) }
                #expect(answer.hasPrefix("{\"error\":{\"kind\":\"invalid-request\""))
                let reply = try ControlCoding.decode(ControlReply.self, from: Array(answer.utf8))
                if case .failure(let failure) = reply { messages.append(failure.message) }
            }
            #expect(messages.count == 3)
            #expect(messages.allSatisfy { $0.hasPrefix("unreadable control request: ") })
            #expect(messages[1] == "unreadable control request: control protocol version 2 is newer than this supervisor's (1); restart the project with this slipway")
            #expect(served.project.requests.isEmpty)
        }
    }

    @Test("a client that connects and never sends a request does not hold up shutdown")
    func silentClient() async throws {
        try await ServedProject.serving { served async throws in
            let descriptor = try connectRaw(path: served.endpoint.socketPath)
            defer { close(descriptor) }
            #expect(try await served.client.status().instances.count == 2)
            await served.close()
            let ended = try await offThePool {
                var byte: UInt8 = 0
                return read(descriptor, &byte, 1)
            }
            #expect(ended == 0)
        }
    }

    @Test("requests are the documented JSON lines")
    func requestJSON() throws {
        let lines = try [
            ControlRequest.status(services: ["web"]), .stop(services: [], timeout: .milliseconds(2500)),
            .kill(services: ["db"], signal: SIGKILL), .down(timeout: nil),
        ].map { String(decoding: try ControlCoding.line($0), as: UTF8.self) }
        #expect(lines == [
            "{\"request\":\"status\",\"services\":[\"web\"],\"version\":1}\n",
            "{\"request\":\"stop\",\"services\":[],\"timeout\":2.5,\"version\":1}\n",
            "{\"request\":\"kill\",\"services\":[\"db\"],\"signal\":\"SIGKILL\",\"version\":1}\n",
            "{\"request\":\"down\",\"version\":1}\n",
        ])
        for line in lines {
            let request = try ControlCoding.decode(ControlRequest.self, from: Array(line.utf8.dropLast()))
            #expect(lines.contains(String(decoding: try ControlCoding.line(request), as: UTF8.self)))
        }
        let byNumber = try ControlCoding.decode(ControlRequest.self, from: Array(#"{"request":"kill","signal":"9"}"#.utf8))
        #expect(byNumber == .kill(services: [], signal: SIGKILL))
    }

    @Test("a status reply round-trips every field, health as docker writes it")
    func statusJSON() throws {
        let instance = InstanceStatus(
            name: "demo-web-1", service: "web", command: "python3 -m http.server $PORT", state: .running,
            health: .healthy, exitCode: 0, pid: 4321, startedAt: Date(timeIntervalSince1970: 1_764_178_000),
            publishers: [PortPublisher(url: "127.0.0.1", targetPort: 8000, publishedPort: 8003)], restartCount: 2)
        let plain = InstanceStatus(name: "demo-job-1", service: "job", command: "true", state: .exited, exitCode: 3)
        let reply = ControlReply.status(StatusSnapshot(project: "demo", takenAt: Date(timeIntervalSince1970: 1_764_178_010), instances: [instance, plain]))
        let line = try ControlCoding.line(reply)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains("\"health\":\"healthy\""))
        #expect(text.contains("\"health\":\"\""))
        #expect(text.contains("\"startedAt\":\"2025-11-26T17:26:40.000000000Z\""))
        #expect(try ControlCoding.decode(ControlReply.self, from: line.dropLast()) == reply)
    }
}

/// Runs a blocking socket read on a thread of its own: on Swift's cooperative
/// pool (two threads on a 2-core machine) it would starve the very server
/// whose answer it waits for.
func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Binds a Unix socket and closes it without removing the file, as a
/// supervisor killed with SIGKILL leaves it.
private func leaveStaleSocket(at path: String) throws {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    var address = unixAddress(path)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    try #require(bound == 0)
}

/// A connected Unix socket whose reads give up after 20 s, for what the client would never do.
func connectRaw(path: String) throws -> CInt {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    try #require(descriptor >= 0)
    var address = unixAddress(path)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard connected == 0 else {
        close(descriptor)
        throw POSIXError(.ECONNREFUSED)
    }
    // Long enough for a whole suite starving two cores; a test that hangs still ends.
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    return descriptor
}

/// Writes one raw line to the socket and reads the answer line, for requests the client would never send.
func rawExchange(path: String, line: String) throws -> String {
    let descriptor = try connectRaw(path: path)
    defer { close(descriptor) }
    _ = line.withCString { write(descriptor, $0, strlen($0)) }
    var received: [UInt8] = []
    var byte: UInt8 = 0
    while read(descriptor, &byte, 1) == 1, byte != 0x0A { received.append(byte) }
    return String(decoding: received, as: UTF8.self)
}

private func unixAddress(_ path: String) -> sockaddr_un {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
    }
    return address
}
