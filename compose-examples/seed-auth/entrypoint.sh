#!/bin/sh
exec /usr/bin/python3 - <<'PY'
import http.server, os, socket, time, urllib.parse
import psycopg2
url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
admin = psycopg2.connect(host=url.hostname, port=url.port, user=url.username, password=url.password, dbname="postgres")
admin.autocommit = True
with admin.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.path.lstrip("/"),))
    if cursor.fetchone() is None:
        cursor.execute("CREATE DATABASE " + url.path.lstrip("/"))
database = psycopg2.connect(os.environ["DATABASE_URL"])
broker = urllib.parse.urlsplit(os.environ["DJANGO_CELERY_BROKER_URL"])
# `rabbitmq-diagnostics ping` passes before the AMQP listener opens;
# like celery at startup, retry the broker for a minute.
deadline = time.monotonic() + 60
while True:
    try:
        amqp = socket.create_connection((broker.hostname, broker.port), timeout=10)
        amqp.sendall(b"AMQP\x00\x00\x09\x01")
        if amqp.recv(1) == b"\x01":
            break
    except OSError:
        pass
    assert time.monotonic() < deadline, "no AMQP Connection.Start"
    time.sleep(0.5)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with database.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            name = cursor.fetchone()[0]
        self.send_response(200 if self.path == "/health/" else 404)
        self.end_headers()
        self.wfile.write(("healthy " + name).encode())
    def log_message(self, *arguments):
        pass
print("auth ready", flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Health).serve_forever()
PY
