"""A minimal PostgreSQL client: the v3 frontend/backend protocol over TCP.

Enough for these services and nothing more: trust authentication, the simple
query protocol, text results. It exists so the example runs on a bare
python3 with no database driver installed.
"""

import socket
import struct

PROTOCOL_VERSION_3 = 196608


class DatabaseError(Exception):
    """The server rejected a statement or the connection (an ErrorResponse)."""

    def __init__(self, fields):
        self.fields = fields
        self.code = fields.get("C", "")
        super().__init__(f"{fields.get('S', 'ERROR')} {self.code}: {fields.get('M', 'unknown error')}")


class ProtocolError(Exception):
    """The conversation went somewhere this small client does not follow."""


class Result:
    """One statement's outcome: column names, rows of text (None for NULL), tag."""

    def __init__(self, columns, rows, command_tag):
        self.columns = columns
        self.rows = rows
        self.command_tag = command_tag

    def dicts(self):
        return [dict(zip(self.columns, row)) for row in self.rows]

    @property
    def affected(self):
        """Row count from a tag such as 'UPDATE 3' or 'INSERT 0 1'."""
        last = self.command_tag.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0


def literal(value):
    """Quotes a value for SQL text. Safe because connect() insists on
    standard_conforming_strings, where a backslash is an ordinary character."""
    if value is None:
        return "NULL"
    text = str(value)
    if "\x00" in text:
        raise ValueError("PostgreSQL text cannot contain NUL characters")
    return "'" + text.replace("'", "''") + "'"


class Connection:
    def __init__(self, sock):
        self._sock = sock
        self._buffer = b""
        self.parameters = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self._sock.sendall(b"X" + struct.pack("!i", 4))
        except OSError:
            pass
        self._sock.close()

    def query(self, sql):
        """Runs one or more statements; returns the last statement's Result."""
        payload = sql.encode() + b"\x00"
        self._sock.sendall(b"Q" + struct.pack("!i", len(payload) + 4) + payload)
        columns, rows, result, error = [], [], None, None
        while True:
            kind, body = self._read_message()
            if kind == b"T":
                columns, rows = _row_description(body), []
            elif kind == b"D":
                rows.append(_data_row(body))
            elif kind == b"C":
                result = Result(columns, rows, body.rstrip(b"\x00").decode())
                columns, rows = [], []
            elif kind == b"I":
                result = Result([], [], "")
            elif kind == b"E":
                error = DatabaseError(_fields(body))
            elif kind == b"Z":
                if error:
                    raise error
                return result
            elif kind not in (b"N", b"S", b"A"):
                raise ProtocolError(f"unexpected message {kind!r} during a query")

    def _startup(self, user, database):
        params = b"".join(k.encode() + b"\x00" + v.encode() + b"\x00"
                          for k, v in (("user", user), ("database", database),
                                       ("application_name", "pgwire")))
        payload = struct.pack("!i", PROTOCOL_VERSION_3) + params + b"\x00"
        self._sock.sendall(struct.pack("!i", len(payload) + 4) + payload)
        while True:
            kind, body = self._read_message()
            if kind == b"R":
                (method,) = struct.unpack("!i", body[:4])
                if method != 0:
                    raise ProtocolError(
                        f"the server asks for authentication method {method}; "
                        "this client speaks only trust authentication")
            elif kind == b"S":
                name, value = body.rstrip(b"\x00").split(b"\x00", 1)
                self.parameters[name.decode()] = value.decode()
            elif kind == b"E":
                raise DatabaseError(_fields(body))
            elif kind == b"Z":
                break
            elif kind not in (b"K", b"N"):
                raise ProtocolError(f"unexpected message {kind!r} during startup")
        if self.parameters.get("standard_conforming_strings") != "on":
            raise ProtocolError("standard_conforming_strings is off; literal() would be unsafe")

    def _read_message(self):
        header = self._read_exactly(5)
        kind, length = header[:1], struct.unpack("!i", header[1:])[0]
        return kind, self._read_exactly(length - 4)

    def _read_exactly(self, count):
        while len(self._buffer) < count:
            chunk = self._sock.recv(max(65536, count - len(self._buffer)))
            if not chunk:
                raise ProtocolError("the server closed the connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data


def connect(host, port, user="postgres", database="postgres", timeout=5.0):
    """Opens an authenticated connection; raises OSError, DatabaseError or ProtocolError."""
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    connection = Connection(sock)
    try:
        connection._startup(user, database)
    except BaseException:
        sock.close()
        raise
    return connection


def _row_description(body):
    (count,) = struct.unpack("!h", body[:2])
    names, offset = [], 2
    for _ in range(count):
        end = body.index(b"\x00", offset)
        names.append(body[offset:end].decode())
        offset = end + 1 + 18  # table oid, column no, type oid, size, modifier, format
    return names


def _data_row(body):
    (count,) = struct.unpack("!h", body[:2])
    values, offset = [], 2
    for _ in range(count):
        (length,) = struct.unpack("!i", body[offset:offset + 4])
        offset += 4
        if length < 0:
            values.append(None)
        else:
            values.append(body[offset:offset + length].decode())
            offset += length
    return values


def _fields(body):
    fields = {}
    for part in body.split(b"\x00"):
        if part:
            fields[part[:1].decode()] = part[1:].decode(errors="replace")
    return fields
