"""What a silence reaches, and silences named by a short id.

A silence's blast radius is the alerts its matchers catch now. ``alertname!="x"`` catches
every alert, today's and tomorrow's: before such a silence (or one that catches more than
one alert name) is created, the cockpit shows what it catches and asks.

The silences screen shows the first 8 characters of an id; every command that takes a
silence id takes any unique prefix of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cockpit.model.alerts import Alert
from cockpit.model.matchers import Matcher, matches_all
from cockpit.model.silences import Silence

SHORT_ID = 8


def _printable(text: str) -> str:
    """A name from an alert, safe to print: control characters become ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text)


@dataclass(frozen=True)
class BlastRadius:
    """The alerts (not pending ones) that a set of matchers catches now."""

    alerts: tuple[Alert, ...]
    catches_everything: bool

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({a.name for a in self.alerts}))

    @property
    def needs_confirmation(self) -> bool:
        return self.catches_everything or len(self.names) > 1

    def describe(self, most: int = 6) -> str:
        """``catches 3 alerts now: HighCpu (1), HighErrorRate (2)``."""
        if not self.alerts:
            text = "catches no alert now"
        else:
            counts = Counter(a.name for a in self.alerts)
            shown = [f"{_printable(name)} ({counts[name]})" for name in self.names[:most]]
            if len(self.names) > most:
                shown.append(f"+{len(self.names) - most} more names")
            count = len(self.alerts)
            text = f"catches {count} alert{'s' if count != 1 else ''} now: {', '.join(shown)}"
        if self.catches_everything:
            text += "; it would catch every alert that lacks these labels, new ones too"
        return text

    def reason(self) -> str:
        """Why it asks first, or '' when it does not."""
        if self.catches_everything:
            return "these matchers catch every alert"
        if len(self.names) > 1:
            return f"these matchers catch {len(self.names)} different alert names"
        return ""


def blast_radius(matchers: Sequence[Matcher], alerts: Iterable[Alert]) -> BlastRadius:
    """Which alerts ``matchers`` catch now. "Everything" means the matchers hold for an
    alert with none of their labels (only negative or empty-accepting matchers)."""
    caught = tuple(
        a for a in alerts if a.state != "pending" and matches_all(list(matchers), a.labels)
    )
    return BlastRadius(caught, bool(matchers) and matches_all(list(matchers), {}))


class SilenceIdError(ValueError):
    """No silence, or more than one, has an id starting with what was given."""

    def __init__(self, message: str, matches: Sequence[Silence] = ()) -> None:
        super().__init__(message)
        self.matches = tuple(matches)


def resolve_silence_id(silences: Iterable[Silence], given: str) -> Silence:
    """The one silence whose id starts with ``given`` (case does not matter)."""
    prefix = given.strip().lower()
    if not prefix:
        raise SilenceIdError("an empty silence id; `cockpit silence list` lists them")
    found = [s for s in silences if s.id.lower().startswith(prefix)]
    exact = [s for s in found if s.id.lower() == prefix]
    if exact:
        return exact[0]
    if not found:
        raise SilenceIdError(
            f"no silence has an id starting {_printable(given)!r}; "
            "`cockpit silence list` lists them"
        )
    if len(found) > 1:
        named = ", ".join(f"{s.id} ({s.state}, {_printable(s.matcher_text)[:40]})" for s in found)
        raise SilenceIdError(
            f"{_printable(given)!r} is the start of {len(found)} silence ids: {named}; "
            "give more of the id",
            found,
        )
    return found[0]
