"""`cockpit serve`: a real textual-serve server answering a browser's first request, and
the advice when textual-serve is missing."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from cockpit.cli import main
from cockpit.cli_serve import INSTALL_HINT, command_line


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_without_textual_serve_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve"]) == 2
    assert INSTALL_HINT in capsys.readouterr().err
    assert "pip install 'cockpit[serve]'" in INSTALL_HINT


def test_each_browser_session_runs_the_cockpit() -> None:
    assert command_line(True).endswith("-m cockpit run --read-only")
    assert command_line(False).endswith("-m cockpit run")


def test_serve_answers_a_browser() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--read-only"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None, process.stdout.read() if process.stdout else ""
        assert page.status_code == 200
        assert f"http://127.0.0.1:{port}/static/js/textual.js" in page.text
        assert f"ws://127.0.0.1:{port}/ws" in page.text
    finally:
        process.terminate()
        process.wait(10)
