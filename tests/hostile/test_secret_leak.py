"""Secrets never reach an output: a token, a password and a secret header value, set
through COCKPIT_SECRET_* env vars, are used against servers that fail in every way (500
bodies that echo the request's headers, garbage, refused connections, a redirect); every
command's stdout and stderr, every file under the data and config dirs (notebook, its
-wal, crash logs) and the notebook's rows are scanned for them."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cockpit import locations

TOKEN = "tok-LEAKCHECK-5b1e0c9d"
PASSWORD = "pw-LEAKCHECK-a4f2"
HEADER = "org-LEAKCHECK-77c3"
NEEDLES = (
    TOKEN,
    PASSWORD,
    HEADER,
    base64.b64encode(f"oncall:{PASSWORD}".encode()).decode(),
    "LEAKCHECK",
)


RECEIVED: list[str] = []  # the headers the servers saw: proof the secrets were sent


@contextmanager
def echoing() -> Iterator[str]:
    """Answers every request with an error or garbage that quotes the request headers."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            RECEIVED.append(str(self.headers))
            quoted = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
            path = self.path.split("?", 1)[0]
            if path.endswith("/buildinfo") or path.endswith("/status"):
                status, body = 200, ("<html>" + quoted).encode()  # not JSON
            elif path.endswith("/alerts"):
                status, body = 200, ('{"status": "error", "error": "' + quoted + '"').encode()
            elif path.startswith("/redirect"):
                self.send_response(302)
                port = self.server.server_address[1]
                self.send_header("Location", f"http://127.0.0.1:{port}/x?h={quoted[:80]}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            else:
                status, body = 500, quoted.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Echo", quoted.replace("\n", " | ")[:500])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _config(echo: str) -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""
[oncall]
me = "alice"

[prometheus]
url = "{echo}"
timeout = "2s"
auth = {{ type = "bearer", secret = "PROMTOKEN" }}
headers = {{ "X-Scope-OrgID" = {{ secret = "ORGHEADER" }} }}

[alertmanager]
url = "{echo}"
timeout = "2s"
auth = {{ type = "basic", username = "oncall", secret = "AMPASS" }}

[[slo]]
name = "api"
service = "api"
objective = 99.9
window = "30d"
good = 'sum(rate(ok[{{{{window}}}}]))'
total = 'sum(rate(all[{{{{window}}}}]))'

[[probe]]
name = "echo"
url = "{echo}/health"
headers = {{ "Authorization" = {{ secret = "PROMTOKEN", prefix = "Bearer " }} }}

[[probe]]
name = "redirected"
url = "{echo}/redirect"
headers = {{ "Authorization" = {{ secret = "PROMTOKEN", prefix = "Bearer " }} }}

[[probe]]
name = "refused"
url = "{_refused_url()}/health"
headers = {{ "Authorization" = {{ secret = "PROMTOKEN", prefix = "Bearer " }} }}
""",
        encoding="utf-8",
    )


COMMANDS = [
    ("config", "validate"),
    ("locate",),
    ("doctor",),
    ("doctor", "--json"),
    ("alerts",),
    ("alerts", "--json"),
    ("silence", "list"),
    ("ack", "nope"),
    ("slo", "report"),
    ("slo", "report", "--json"),
    ("slo", "check"),
    ("probe",),
    ("probe", "--json"),
    ("secret", "status", "PROMTOKEN"),
    ("incident", "create", "--title", "leak check", "--severity", "Sev3"),
    ("incident", "list", "--json"),
    ("handoff", "show"),
]


def test_no_output_and_no_file_holds_a_secret(tmp_path: Path) -> None:
    env = os.environ.copy()
    env["COCKPIT_SECRET_PROMTOKEN"] = TOKEN
    env["COCKPIT_SECRET_AMPASS"] = PASSWORD
    env["COCKPIT_SECRET_ORGHEADER"] = HEADER
    outputs: list[tuple[str, str]] = []
    with echoing() as echo:
        _config(echo)
        for command in COMMANDS:
            done = subprocess.run(
                [sys.executable, "-m", "cockpit", *command],
                capture_output=True, text=True, timeout=90, env=env,
            )  # fmt: skip
            outputs.append((" ".join(command), done.stdout + done.stderr))
    print("\n".join(f"$ cockpit {name}\n{text}" for name, text in outputs))
    seen = "".join(RECEIVED)
    assert TOKEN in seen and HEADER in seen and NEEDLES[3] in seen  # the secrets were used
    failing = [name for name, text in outputs if "HTTP 500" in text or "refused" in text]
    assert failing, "no command went through a failing request: the scan proves nothing"
    for name, text in outputs:
        assert "Traceback" not in text, (name, text)
        for needle in NEEDLES:
            assert needle not in text, (name, needle, text)
    scanned = 0
    for folder in (locations.data_dir(), locations.config_dir()):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                scanned += 1
                for needle in NEEDLES:
                    assert needle.encode() not in data, (path, needle)
    assert scanned >= 2  # the config and the notebook at least
