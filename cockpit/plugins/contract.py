"""Abstract bases, one per capability. No Textual here: plugins run off the UI.

Every plugin class is built once at start-up with its options, the ``[plugins.<name>]``
table of the config minus ``enabled``. Secrets are never options: an option names a
secret (``url_secret = "SLACK_WEBHOOK_URL"``) and the plugin reads it with
``cockpit.secrets.require_secret`` (keyring, or ``COCKPIT_SECRET_<NAME>``).

Failures: raise ``PluginError`` with a sentence a person can act on for an expected
failure (a receiver that is down, a missing secret). Anything else a plugin raises is
a bug: the cockpit disables that plugin, says so once, and keeps running.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from cockpit.config import ProbeConfig
from cockpit.model.alerts import Alert
from cockpit.model.conditions import Condition
from cockpit.model.probes import ProbeResult
from cockpit.services.notify import NOTIFICATION_KINDS, Notification

GROUP = "cockpit.plugins"


class PluginError(Exception):
    """An expected failure, in words that say what to do; the plugin stays enabled."""


class Plugin(ABC):  # noqa: B024 (no abstract method here: the capabilities add them)
    """What every plugin shares: a description and its options."""

    description: ClassVar[str] = ""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Called when the cockpit stops; release connections or threads here."""


class Notifier(Plugin):
    """Receives incident and handoff events and delivers them somewhere.

    ``deliver`` runs in a worker thread of its own (one per notifier, in publish order),
    so it may block on the network; it must still bound its time (timeouts).
    """

    kinds: frozenset[str] = NOTIFICATION_KINDS  # the events it wants; may be set per instance

    @abstractmethod
    def deliver(self, notification: Notification) -> None:
        """Deliver one notification, or raise PluginError saying why it could not."""


class AlertSource(Plugin):
    """Alerts from somewhere other than Alertmanager, in the cockpit's model.

    ``fetch`` runs in a thread once per alert refresh; it returns every currently
    active alert (not a diff). Raise PluginError when the source cannot be read: its
    last alerts stay on screen and the alerts pane names the source and reason.
    """

    @abstractmethod
    def fetch(self) -> Sequence[Alert]:
        """Every alert active now."""


class ProbeKind(Plugin):
    """A probe scheme of its own: ``[[probe]] url = "<scheme>://..."``.

    The entry point's name is the scheme, so the config can check a probe URL against
    the ``[plugins.<scheme>]`` section that enables it. ``run`` is awaited on the event
    loop (use asyncio, or ``asyncio.to_thread`` for blocking work) and is bounded by the
    probe's timeout. A target that fails is a failed ProbeResult, never an exception.
    """

    # Used when the probe lists no conditions.
    default_conditions: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    async def run(self, probe: ProbeConfig, conditions: Sequence[Condition]) -> ProbeResult:
        """Probe the target once and judge it by ``conditions``."""
