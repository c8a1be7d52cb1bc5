"""The writes a key asks for, one Textual message per action (never an action string):
the alerts pane and the alert detail post the alert ones, the silences view the silence
ones, and the app hands each to the alert controller's method for it."""

from __future__ import annotations

from textual.message import Message

from cockpit.model.alerts import Alert
from cockpit.model.silences import Silence


class AlertWriteRequested(Message):
    """A write on an alert (None: no alert was selected, which the controller says)."""

    def __init__(self, alert: Alert | None) -> None:
        super().__init__()
        self.alert = alert


class AckRequested(AlertWriteRequested):
    """`a`: ack the alert (or, already acked, ask to renew)."""


class UnackRequested(AlertWriteRequested):
    """`u`: expire the alert's acks."""


class SilenceRequested(AlertWriteRequested):
    """`s`: the silence form, prefilled from the alert's labels."""


class PromoteRequested(AlertWriteRequested):
    """`i`: the new-incident form, prefilled from the alert."""


class NewSilenceRequested(Message):
    """`n` in the silences view: an empty silence form."""


class ReloadSilencesRequested(Message):
    """`r` in the silences view: ask Alertmanager again."""


class SilenceChangeRequested(Message):
    def __init__(self, silence: Silence) -> None:
        super().__init__()
        self.silence = silence


class ExtendSilenceRequested(SilenceChangeRequested):
    """`e` in the silences view: extend the selected silence."""


class ExpireSilenceRequested(SilenceChangeRequested):
    """`x` in the silences view: expire the selected silence (asking first)."""
