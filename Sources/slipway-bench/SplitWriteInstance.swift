/// The instance of the split-writes benchmark: Python's `http.server` speaking HTTP/1.1, which
/// sends the head when `end_headers` flushes it and the body in a second write. It unblocks
/// SIGTERM first, which it would otherwise inherit blocked from the benchmark.
enum SplitWriteInstance {
    static let script = """
        import http.server, signal, sys
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                body = b"hello from a split-write instance\\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    static func start(python: String, logDirectory: String) throws -> ProxyBenchProcess {
        let port = ProxyLoopbackPort.free()
        return try ProxyBenchProcess(
            name: "split-write instance",
            port: port,
            executable: python,
            arguments: ["-c", script, String(port)],
            logDirectory: logDirectory
        )
    }
}
