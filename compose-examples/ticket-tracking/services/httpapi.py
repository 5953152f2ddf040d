"""The HTTP side every service shares: routing, JSON in and out, /health/,
listening on 127.0.0.1:$PORT, and a clean exit on SIGTERM."""

import json
import os
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import database
import events


class HttpError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Request:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self._body = body

    def json(self):
        if not self._body:
            return {}
        try:
            value = json.loads(self._body)
        except ValueError:
            raise HttpError(400, "the request body is not valid JSON")
        if not isinstance(value, dict):
            raise HttpError(400, "the request body must be a JSON object")
        return value

    def field(self, name):
        """A required, non-empty string field of the JSON body."""
        value = self.json().get(name)
        if not isinstance(value, str) or not value.strip():
            raise HttpError(400, f"'{name}' is required and must be a non-empty string")
        return value.strip()


class Router:
    """Routes are (method, pattern, handler); a handler takes the Request and
    the pattern's groups and returns (status, json-able body)."""

    def __init__(self, service):
        self.service = service
        self._routes = [("GET", re.compile(r"/health/?"), lambda request: database.health(service))]

    def route(self, method, pattern):
        def register(handler):
            self._routes.append((method, re.compile(pattern), handler))
            return handler
        return register

    def dispatch(self, request):
        allowed = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if not match:
                continue
            if method == request.method:
                return handler(request, *match.groups())
            allowed.append(method)
        if allowed:
            raise HttpError(405, f"{request.method} is not allowed here; use {', '.join(allowed)}")
        raise HttpError(404, f"no route for {request.path}")


def _handler_class(router):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps connections open for the proxy; every response below
        # carries a Content-Length, which keep-alive requires.
        protocol_version = "HTTP/1.1"
        server_version = router.service

        def do_GET(self):
            self._handle()

        do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

        def _handle(self):
            try:
                request = self._request()
                status, body = router.dispatch(request)
            except HttpError as error:
                status, body = error.status, {"error": error.message}
            except database.Unreachable as error:
                status, body = 503, {"error": "database unreachable", "detail": str(error).strip()}
            except database.DatabaseError as error:
                status, body = 500, {"error": "database error", "detail": str(error).strip()}
            except (OSError, events.Unreachable) as error:
                status, body = 503, {"error": "message broker unreachable", "detail": str(error)}
            self._send(status, body)

        def _request(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True
                raise HttpError(411, "send the body with a Content-Length")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            return Request(self.command, url.path, query, self.headers, body)

        def _send(self, status, body):
            data = (json.dumps(body) + "\n").encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            sys.stdout.write(f"{self.address_string()} {format % args}\n")
            sys.stdout.flush()

    return Handler


def serve(router):
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(router))
    # shutdown() blocks until serve_forever() returns, so it must run on
    # another thread than the one the signal interrupts.
    stop = lambda *_: threading.Thread(target=server.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"{router.service} listening on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        print(f"{router.service} stopped", flush=True)
