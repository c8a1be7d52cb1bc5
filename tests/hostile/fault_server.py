"""A fault-injecting HTTP server on loopback, standing in front of (or instead of)
Prometheus and Alertmanager.

Modes (``FaultServer.mode`` can change while it runs, to test recovery):

- ``ok``: pass every request to ``upstream`` (the real server), or answer a canned valid
  body for the path when there is no upstream
- ``hang``: read the request, never answer
- ``trickle``: send the headers, then one byte of a valid body every ``trickle_every`` s
- ``stall``: send the headers, then nothing (a read timeout, not a connect failure)
- ``500``: HTTP 500 with a JSON error; ``html502``: HTTP 502 with an HTML page
- ``truncated``: a valid body cut in half, Content-Length promising all of it
- ``wrong-shape``: HTTP 200 with JSON of the wrong shape (``{"unexpected": true}``)
- ``50mb``: HTTP 200 with 50 MB of body, no Content-Length (read until close)
- ``redirect``: HTTP 302 to the same path on ``redirect_to`` (another origin)

``refused`` is not a mode of a running server: ``refused_url()`` names a port where
nothing listens (or ``close()`` a server, and start another on its ``port`` to recover).
Every request is recorded (method, path, headers) in ``requests``.
"""

from __future__ import annotations

import http.client
import json
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MODES = ("hang", "trickle", "500", "html502", "truncated", "wrong-shape", "50mb", "redirect")

CANNED: dict[str, object] = {
    "/api/v1/query": {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, "0"]}]},
    },
    "/api/v1/alerts": {"status": "success", "data": {"alerts": []}},
    "/api/v1/rules": {"status": "success", "data": {"groups": []}},
    "/api/v1/status/buildinfo": {"status": "success", "data": {"version": "2.45.0"}},
    "/api/v2/alerts": [],
    "/api/v2/alerts/groups": [],
    "/api/v2/silences": [],
    "/api/v2/status": {"versionInfo": {"version": "0.25.0"}},
}
BIG = 50 * 1024 * 1024


def refused_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode()


def _answer(status: str, body: bytes, kind: str = "application/json") -> bytes:
    headers = {"Content-Type": kind, "Content-Length": str(len(body)), "Connection": "close"}
    return _head(status, headers) + body


class FaultServer:
    def __init__(
        self,
        mode: str = "ok",
        *,
        upstream: str | None = None,
        redirect_to: str | None = None,
        trickle_every: float = 0.2,
        port: int = 0,
    ) -> None:
        self.mode = mode
        self.upstream = upstream
        self.redirect_to = redirect_to
        self.trickle_every = trickle_every
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._handle(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one connection ----------------------------------------------------------------
    def _read_request(self, conn: socket.socket) -> tuple[Seen, bytes] | None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        seen = Seen(method, target, headers)
        self.requests.append(seen)
        return seen, body

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = self._read_request(conn)
            if request is None:
                return
            seen, body = request
            mode = self.mode
            valid = self._valid_body(seen.path)
            if mode == "hang":
                self.stopping.wait()
            elif mode == "trickle":
                padded = valid + b" " * 500
                conn.sendall(
                    _head("200 OK", {"Content-Type": "application/json",
                                     "Content-Length": str(len(padded))})
                )  # fmt: skip
                for i in range(len(padded)):
                    if self.stopping.wait(self.trickle_every):
                        return
                    conn.sendall(padded[i : i + 1])
            elif mode == "stall":
                conn.sendall(_head("200 OK", {"Content-Length": str(len(valid))}))
                self.stopping.wait()
            elif mode == "500":
                conn.sendall(_answer("500 Internal Server Error", b'{"status":"error"}'))
            elif mode == "html502":
                page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                conn.sendall(_answer("502 Bad Gateway", page, "text/html"))
            elif mode == "truncated":
                head = _head("200 OK", {"Content-Type": "application/json",
                                        "Content-Length": str(len(valid) + 100)})  # fmt: skip
                conn.sendall(head + valid[: len(valid) // 2])
            elif mode == "wrong-shape":
                conn.sendall(_answer("200 OK", b'{"unexpected": true}'))
            elif mode == "50mb":
                conn.sendall(_head("200 OK", {"Content-Type": "application/json",
                                              "Connection": "close"}))  # fmt: skip
                chunk = b" " * (1024 * 1024)
                for _ in range(BIG // len(chunk)):
                    conn.sendall(chunk)
            elif mode == "redirect":
                location = f"{self.redirect_to}{seen.path}"
                headers = {"Location": location, "Content-Length": "0", "Connection": "close"}
                conn.sendall(_head("302 Found", headers))
            else:
                conn.sendall(self._pass(seen, body))
        except OSError:
            pass  # the client gave up (as it should, on most of these)

    def _valid_body(self, target: str) -> bytes:
        path = urlsplit(target).path
        return json.dumps(CANNED.get(path, {"status": "success", "data": {}})).encode()

    def _pass(self, seen: Seen, body: bytes) -> bytes:
        if self.upstream is None:
            return _answer("200 OK", self._valid_body(seen.path))
        parts = urlsplit(self.upstream)
        client = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        headers = {k: v for k, v in seen.headers.items() if k not in ("host", "connection")}
        client.request(seen.method, seen.path, body=body or None, headers=headers)
        response = client.getresponse()
        content = response.read()
        kind = response.getheader("Content-Type", "application/json")
        client.close()
        return _answer(f"{response.status} {response.reason}", content, kind)
