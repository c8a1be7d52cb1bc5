"""Slack-compatible webhook notifier for cockpit."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from cockpit.plugins import Notifier, PluginError, post_json, tls_option
from cockpit.secrets import SecretError, require_secret
from cockpit.services.notify import NOTIFICATION_KINDS, Notification

OPTIONS = {"url_secret", "timeout", "retries", "backoff", "kinds", "tls"}
HEADLINES = {
    "incident_created": "Incident opened",
    "incident_severity_changed": "Severity changed",
    "incident_status_update_due": "Status update due",
    "incident_resolved": "Incident resolved",
    "handoff_signed": "Handoff signed",
}
# Attachment colours: the worst severities red, then orange, yellow; resolved green.
SEVERITY_COLOURS = {"Sev1": "#d00000", "Sev2": "#e36209", "Sev3": "#dbab09", "Sev4": "#6a737d"}
KIND_COLOURS = {"incident_resolved": "#2ea44f", "handoff_signed": "#0366d6"}


def _escape(text: str) -> str:
    """Slack's three control characters; everything else is sent as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(notification: Notification) -> dict[str, Any]:
    """The Slack-compatible body for one notification."""
    headline = HEADLINES[notification.kind]
    severity = f"[{notification.severity}] " if notification.severity else ""
    text = f"{severity}{headline}: {notification.subject}: {notification.title}"
    colour = KIND_COLOURS.get(notification.kind) or SEVERITY_COLOURS.get(
        notification.severity or "", "#6a737d"
    )
    fields: list[dict[str, Any]] = []
    if notification.severity:
        fields.append({"title": "Severity", "value": notification.severity, "short": True})
    fields += [
        {"title": _escape(k), "value": _escape(v), "short": len(v) < 40}
        for k, v in notification.fields.items()
    ]
    return {
        "text": _escape(text),
        "attachments": [
            {
                "fallback": _escape(text),
                "color": colour,
                "title": _escape(f"{headline}: {notification.title}"),
                "text": _escape(notification.text),
                "fields": fields,
                "footer": f"cockpit · {notification.subject}",
                "ts": int(notification.at.timestamp()),
            }
        ],
    }


def _number(options: Mapping[str, Any], key: str, default: float, minimum: float) -> float:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise PluginError(f"option {key}: expected a number ≥ {minimum:g}, got {value!r}")
    return float(value)


class WebhookNotifier(Notifier):
    description = "posts incident updates and signed handoffs to a Slack-compatible webhook"

    def __init__(
        self, options: Mapping[str, Any], *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(options)
        unknown = set(options) - OPTIONS
        if unknown:
            known = ", ".join(sorted(OPTIONS))
            raise PluginError(f"unknown option {sorted(unknown)[0]!r}; known: {known}")
        secret = options.get("url_secret", "WEBHOOK_URL")
        if not isinstance(secret, str) or not secret:
            raise PluginError("option url_secret: the name of the secret holding the URL")
        self.url_secret = secret
        self.timeout = _number(options, "timeout", 5.0, 0.1)
        self.retries = int(_number(options, "retries", 2, 0))
        self.backoff = _number(options, "backoff", 1.0, 0)
        kinds = options.get("kinds", sorted(NOTIFICATION_KINDS))
        if not isinstance(kinds, list) or not set(kinds) <= NOTIFICATION_KINDS:
            known = ", ".join(sorted(NOTIFICATION_KINDS))
            raise PluginError(f"option kinds: a list drawn from {known}")
        self.kinds = frozenset(kinds)
        self.tls = tls_option(options)
        self._sleep = sleep

    def _url(self) -> str:
        # Read at each delivery, so `cockpit secret set` works without a restart.
        try:
            url = require_secret(self.url_secret)
        except SecretError as exc:
            raise PluginError(str(exc)) from None
        if not url.startswith(("https://", "http://")):
            raise PluginError(f"secret {self.url_secret!r} is not an http(s) URL")
        return url

    def deliver(self, notification: Notification) -> None:
        url = self._url()
        body = payload(notification)
        attempts = 1 + self.retries
        why = ""
        for attempt in range(1, attempts + 1):
            try:
                # `timeout` bounds the whole answer, not each read: a receiver trickling
                # bytes cannot hold the delivery (and the command waiting for it).
                status = post_json(url, body, deadline=self.timeout, tls=self.tls)
            except PluginError as exc:
                why = str(exc)
            else:
                if status < 300:
                    return
                why = f"the receiver answered {status}"
                if status < 500 and status != 429:
                    raise PluginError(f"{why}; check the URL in {self.url_secret!r}")
            if attempt < attempts:
                self._sleep(self.backoff * 2 ** (attempt - 1))
        raise PluginError(f"{why} (tried {attempts} times)")

    def close(self) -> None:
        pass  # each delivery opens (and closes) its own connection
