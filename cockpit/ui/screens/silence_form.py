"""Create a silence: matchers (prefilled from an alert, editable), duration, comment.

Everything is checked here, before anything is sent: a matcher error names its position,
the comment is required. Under the matchers the form shows which alerts they catch now;
a silence that catches more than one alert name, or everything, is asked about first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from cockpit.model.alerts import Alert
from cockpit.model.durations import format_duration, parse_duration
from cockpit.model.matchers import Matcher, MatcherError, parse_matchers
from cockpit.model.silence_scope import blast_radius
from cockpit.ui.screens.confirm import AskScreen


@dataclass(frozen=True)
class SilenceRequest:
    matchers: tuple[Matcher, ...]
    duration: timedelta
    comment: str
    confirmed: bool = False  # the user saw what it catches and said yes
    cluster: str = ""  # the Alertmanager cluster to create it in ("": the only one)


def check_form(
    matchers: str, duration: str, comment: str, cluster: str = "", clusters: Sequence[str] = ()
) -> SilenceRequest | str:
    """The request, or what is wrong with the form (``clusters``: the names to choose
    from when there are several; then one must be given)."""
    if clusters and cluster.strip() not in clusters:
        given = f"{cluster.strip()!r} is not one of them; " if cluster.strip() else ""
        return f"cluster: {given}write one of {', '.join(clusters)}"
    try:
        parsed = parse_matchers(matchers)
    except MatcherError as exc:
        return f"matchers: {exc.reason} at position {exc.position}"
    try:
        length = parse_duration(duration)
    except ValueError as exc:
        return f"duration: {exc}"
    if length <= timedelta(0):
        return "duration: must be longer than zero"
    if not comment.strip():
        return "comment: required; say why, for whoever finds this silence"
    return SilenceRequest(parsed, length, comment.strip(), cluster=cluster.strip())


class SilenceFormScreen(ModalScreen[SilenceRequest | None]):
    BINDINGS = [Binding("escape", "dismiss_form", "Cancel")]

    def __init__(
        self,
        matchers: str = "",
        duration: timedelta = timedelta(hours=2),
        alerts: Sequence[Alert] = (),
        *,
        clusters: Sequence[str] = (),
        cluster: str = "",
    ) -> None:
        super().__init__()
        self.initial_matchers = matchers
        self.initial_duration = format_duration(duration)
        self.alerts = tuple(alerts)
        # Several Alertmanager clusters: the form asks which one (prefilled from the alert).
        self.clusters = tuple(clusters)
        self.initial_cluster = cluster

    def compose(self) -> ComposeResult:
        with Vertical(id="silence-form"):
            yield Label("New silence (Enter on the comment creates it, Esc cancels)")
            if self.clusters:
                yield Label(f"cluster ({', '.join(self.clusters)})")
                yield Input(self.initial_cluster, id="silence-cluster")
            yield Label('matchers: name="value", name!="v", name=~"re", name!~"re"', classes="hint")
            yield Input(self.initial_matchers, id="silence-matchers")
            yield Static("", id="silence-preview")
            yield Label("duration (e.g. 2h, 30m)")
            yield Input(self.initial_duration, id="silence-duration")
            yield Label("comment (required)")
            yield Input(placeholder="why, ticket, who to ask", id="silence-comment")
            yield Static("", id="silence-error")

    def on_mount(self) -> None:
        self.query_one("#silence-comment", Input).focus()
        self.show_preview(self.initial_matchers)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "silence-matchers":
            self.show_preview(event.value)
        elif event.input.id == "silence-cluster":
            self.show_preview(self.query_one("#silence-matchers", Input).value)

    def cluster(self) -> str:
        return self.query_one("#silence-cluster", Input).value if self.clusters else ""

    def alerts_caught_from(self) -> tuple[Alert, ...]:
        """The alerts a silence in the chosen cluster can catch (all, with one cluster)."""
        if not self.clusters:
            return self.alerts
        cluster = self.cluster().strip()
        return tuple(a for a in self.alerts if a.cluster == cluster)

    def show_preview(self, text: str) -> None:
        """What the matchers catch now, as they are typed."""
        try:
            matchers = parse_matchers(text)
        except MatcherError:
            preview = "catches: (finish the matchers to see which alerts they catch)"
        else:
            preview = blast_radius(matchers, self.alerts_caught_from()).describe()
        self.query_one("#silence-preview", Static).update(Text(preview))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "silence-comment":
            self.focus_next()
            return
        self.submit()

    def submit(self) -> None:
        result = check_form(
            self.query_one("#silence-matchers", Input).value,
            self.query_one("#silence-duration", Input).value,
            self.query_one("#silence-comment", Input).value,
            self.cluster(),
            self.clusters,
        )
        if isinstance(result, str):
            self.query_one("#silence-error", Static).update(Text(result))
            return
        radius = blast_radius(result.matchers, self.alerts_caught_from())
        if not radius.needs_confirmation:
            self.dismiss(result)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(replace(result, confirmed=True))

        question = f"Create this silence? {radius.reason().capitalize()}."
        self.app.push_screen(AskScreen(question, radius.describe()), answered)

    def action_dismiss_form(self) -> None:
        self.dismiss(None)


class ExtendScreen(ModalScreen[timedelta | None]):
    """How much longer a silence should last."""

    BINDINGS = [Binding("escape", "dismiss_form", "Cancel")]

    def __init__(self, what: str, default: timedelta = timedelta(hours=1)) -> None:
        super().__init__()
        self.what = what
        self.default = format_duration(default)

    def compose(self) -> ComposeResult:
        with Vertical(id="extend-form"):
            yield Label(Text(f"Extend {self.what} by (Enter extends, Esc cancels)"))
            yield Input(self.default, id="extend-duration")
            yield Static("", id="extend-error")

    def on_mount(self) -> None:
        self.query_one("#extend-duration", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            length = parse_duration(event.value)
        except ValueError as exc:
            self.query_one("#extend-error", Static).update(Text(str(exc)))
            return
        if length <= timedelta(0):
            self.query_one("#extend-error", Static).update(Text("must be longer than zero"))
            return
        self.dismiss(length)

    def action_dismiss_form(self) -> None:
        self.dismiss(None)
