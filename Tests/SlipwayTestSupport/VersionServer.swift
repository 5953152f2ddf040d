/// A Python HTTP server for deploy tests: answers every GET with `$VERSION`,
/// keep-alive (HTTP/1.1 with Content-Length), on `$PORT`, and says
/// `serving <version>` once it listens, so a log shows which instance wrote.
public enum VersionServer {
    public static let fileName = "server.py"

    public static let source = """
        import http.server, os
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                body = os.environ.get("VERSION", "?").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
        print("serving", os.environ.get("VERSION", "?"), flush=True)
        server.serve_forever()
        """
}
