import Glibc

// `slipway-bench-http-ok`: the service of the bring-up, idle and names
// benchmarks, an HTTP server that listens on 127.0.0.1:$PORT the moment it
// starts and answers every request with 200. A program of its own with only
// the Swift runtime, linked statically, so that a wave of five starting at
// once measures Slipway's work rather than five starts of a large binary.

func fail(_ message: String) -> Never {
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

guard let text = getenv("PORT"), let port = UInt16(String(cString: text)) else { fail("PORT is not set\n") }
let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
var one: CInt = 1
setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
var address = sockaddr_in()
address.sin_family = sa_family_t(AF_INET)
address.sin_port = port.bigEndian
address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
}
guard bound == 0, listen(listener, 128) == 0 else {
    fail("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))\n")
}
let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
var buffer = [UInt8](repeating: 0, count: 4096)
while true {
    let connection = accept(listener, nil, nil)
    guard connection >= 0 else { continue }
    _ = read(connection, &buffer, buffer.count)
    _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    close(connection)
}
