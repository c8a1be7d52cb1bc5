"""The webhook notifier against a loopback HTTP receiver, loaded the way the cockpit
loads it: through its entry point, enabled in the config, fed by notify.publish."""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import keyring
import pytest
from cockpit_webhook import WebhookNotifier, payload
from keyring.backend import KeyringBackend

from cockpit.config import parse
from cockpit.plugins import PluginError
from cockpit.plugins.host import ENABLED, PluginHost, discover
from cockpit.services import notify
from cockpit.services.notify import Notification

AT = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)


class EmptyKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


class Receiver:
    """A loopback webhook receiver: records each body and answers from a script."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # answers to give, in order; then 200
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                receiver.bodies.append(body)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/XXXX"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(EmptyKeyring())
    monkeypatch.delenv("COCKPIT_SECRET_TEST_WEBHOOK", raising=False)
    yield
    keyring.set_keyring(previous)
    notify.unsubscribe_all()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    server = Receiver()
    monkeypatch.setenv("COCKPIT_SECRET_TEST_WEBHOOK", server.url)
    yield server
    server.stop()


@pytest.fixture
def reports() -> list[str]:
    return []


@pytest.fixture
def host(tmp_path: Path, reports: list[str]) -> Iterator[PluginHost]:
    config = parse(
        tomllib.loads(
            '[plugins.webhook]\nenabled = true\nurl_secret = "TEST_WEBHOOK"\n'
            "timeout = 2\nretries = 1\nbackoff = 0\n"
        ),
        tmp_path / "config.toml",
    )
    started = PluginHost(reports.append)
    assert started.load(config) == []
    yield started
    started.close()


def incident_created() -> Notification:
    return Notification(
        "incident_created", "INC-2026-11-20-01", "Checkout 5xx above 1 % <prod>", AT,
        text="HighErrorRate firing on demo-api", severity="Sev2",
        fields={"commander": "alice", "service": "demo-api"},
    )  # fmt: skip


def handoff_signed() -> Notification:
    return Notification(
        "handoff_signed", "handoff-7", "alice handed over to sam", AT,
        text="2 open incidents, 1 silenced alert", fields={"from": "alice", "to": "sam"},
    )  # fmt: skip


def test_the_plugin_is_discovered_by_its_entry_point() -> None:
    info = discover()["webhook"]
    assert info.target == "cockpit_webhook:WebhookNotifier"
    assert info.distribution == "cockpit-webhook"


def test_delivers_incident_creation(host: PluginHost, receiver: Receiver) -> None:
    assert host.statuses["webhook"].state == ENABLED
    notify.publish(incident_created())
    assert host.flush(10)
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    assert body["text"] == (
        "[Sev2] Incident opened: INC-2026-11-20-01: Checkout 5xx above 1 % &lt;prod&gt;"
    )
    attachment = body["attachments"][0]
    assert attachment["color"] == "#e36209"
    assert attachment["ts"] == int(AT.timestamp())
    assert attachment["fields"][0] == {"title": "Severity", "value": "Sev2", "short": True}
    assert {"title": "commander", "value": "alice", "short": True} in attachment["fields"]


def test_delivers_handoff_sign_off(host: PluginHost, receiver: Receiver) -> None:
    notify.publish(handoff_signed())
    assert host.flush(10)
    assert receiver.bodies[0]["text"] == "Handoff signed: handoff-7: alice handed over to sam"
    assert receiver.bodies[0]["attachments"][0]["text"] == "2 open incidents, 1 silenced alert"


def test_retries_once_when_the_receiver_first_answers_500(
    host: PluginHost, receiver: Receiver, reports: list[str]
) -> None:
    receiver.statuses = [500]
    notify.publish(incident_created())
    assert host.flush(10)
    assert len(receiver.bodies) == 2
    assert receiver.bodies[0] == receiver.bodies[1]
    assert reports == []


def test_gives_up_after_the_retries_and_says_why_without_the_url(
    host: PluginHost, receiver: Receiver, reports: list[str]
) -> None:
    receiver.statuses = [503, 503, 200]
    notify.publish(incident_created())
    assert host.flush(10)
    assert len(receiver.bodies) == 2  # retries = 1
    assert reports == [
        "Plugin webhook could not deliver incident_created: "
        "the receiver answered 503 (tried 2 times)"
    ]
    assert host.statuses["webhook"].state == ENABLED  # a down receiver is not a bug
    assert "services/T000" not in reports[0]


def test_a_4xx_is_not_retried(host: PluginHost, receiver: Receiver, reports: list[str]) -> None:
    receiver.statuses = [404]
    notify.publish(handoff_signed())
    assert host.flush(10)
    assert len(receiver.bodies) == 1
    assert "answered 404; check the URL in 'TEST_WEBHOOK'" in reports[0]


def test_times_out(receiver: Receiver) -> None:
    receiver.delay = 1.0
    waits: list[float] = []
    notifier = WebhookNotifier(
        {"url_secret": "TEST_WEBHOOK", "timeout": 0.2, "retries": 1, "backoff": 0.5},
        sleep=waits.append,
    )
    try:
        with pytest.raises(PluginError, match=r"no answer within 0.2 s \(tried 2 times\)"):
            notifier.deliver(incident_created())
    finally:
        notifier.close()
    assert waits == [0.5]


def test_missing_secret_says_what_to_do(host: PluginHost, reports: list[str]) -> None:
    notify.publish(incident_created())
    assert host.flush(10)
    assert "cockpit secret set TEST_WEBHOOK" in reports[0]
    assert "COCKPIT_SECRET_TEST_WEBHOOK" in reports[0]


def test_bad_options_disable_the_plugin_with_a_message(tmp_path: Path) -> None:
    config = parse(
        tomllib.loads('[plugins.webhook]\nenabled = true\nretries = "many"\n'),
        tmp_path / "c.toml",
    )
    host = PluginHost()
    messages = host.load(config)
    host.close()
    assert messages == [
        "Plugin webhook disabled: option retries: expected a number ≥ 0, got 'many'"
    ]


def test_only_chosen_kinds_are_sent(tmp_path: Path, receiver: Receiver) -> None:
    config = parse(
        tomllib.loads(
            '[plugins.webhook]\nenabled = true\nurl_secret = "TEST_WEBHOOK"\n'
            'kinds = ["handoff_signed"]\n'
        ),
        tmp_path / "c.toml",
    )
    host = PluginHost()
    host.load(config)
    notify.publish(incident_created())
    notify.publish(handoff_signed())
    assert host.flush(10)
    host.close()
    assert [b["text"].split(":")[0] for b in receiver.bodies] == ["Handoff signed"]


def test_payload_without_severity_has_no_severity_field() -> None:
    body = payload(handoff_signed())
    titles = [f["title"] for f in body["attachments"][0]["fields"]]
    assert titles == ["from", "to"]
