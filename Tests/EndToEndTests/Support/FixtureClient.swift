import Foundation
import FoundationNetworking
import Glibc

/// What a test suite using Slipway as a fixture does with an address: dial it.
enum FixtureClient {
    /// A tiny HTTP server on $PORT answering `<body> <pid>`, so a test can
    /// tell which process served it.
    static func server(_ body: String) -> String {
        """
        ["python3", "-c", "import http.server, os\\nclass H(http.server.BaseHTTPRequestHandler):\\n    def do_GET(self):\\n        self.send_response(200); self.end_headers(); self.wfile.write(('\(body) %d' % os.getpid()).encode())\\n    def log_message(self, *a): pass\\nhttp.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()"]
        """
    }

    /// The body of `GET http://ADDRESS/`, nil when nothing answered.
    static func get(_ address: String) async -> String? {
        guard let url = URL(string: "http://\(address)/") else { return nil }
        guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 30)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether a TCP connection to `127.0.0.1:port` is refused right now.
    static func refused(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result != 0 && errno == ECONNREFUSED
    }

    /// The port of `HOST:PORT`.
    static func port(of address: String) -> Int? {
        address.split(separator: ":").last.flatMap { Int($0) }
    }

    /// `up -d --format json`'s object.
    static func upRecord(_ output: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    }

    /// The `Addresses` of `service` in `up -d --format json`'s object.
    static func addresses(_ record: [String: Any]?, service: String) -> [String: String] {
        let services = record?["Services"] as? [[String: Any]] ?? []
        return services.first { $0["Service"] as? String == service }?["Addresses"] as? [String: String] ?? [:]
    }
}
