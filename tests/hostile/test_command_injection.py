"""The command-injection corpus: hostile alert label values against runbook steps that
re-parse their text (``sh -c``, ``bash -c``, ``eval``, ``ssh``, ``kubectl exec``,
``xargs``, here-documents), run through the session, the CLI and the TUI run screen.

Each attempt tries to create a marker file; the test asserts it never exists. ``ssh`` and
``kubectl`` are fakes on PATH that re-parse their arguments the way the real ones do:
ssh joins its arguments with spaces and runs them with ``sh -c`` on the far side, kubectl
exec runs what follows ``--``.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from cockpit import locations
from cockpit.cli import main
from cockpit.config import Config
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunError
from cockpit.services.runbook_run import RunbookSession
from cockpit.ui.app import CockpitApp
from cockpit.ui.screens.runbook_dialogs import ConfirmScreen
from cockpit.ui.screens.runbook_open import open_runbook
from cockpit.ui.screens.runbook_run import RunbookRunScreen
from tests.ui.conftest import make_app, sample_config

__all__ = ["make_app", "sample_config"]  # fixtures, imported for this module

TEMPLATES = (
    "sh -c 'echo nested {{labels.v}}'",
    'bash -c "echo nested {{labels.v}}"',
    "bash -c 'echo \"{{labels.v}}\"'",
    'eval "echo {{labels.v}}"',
    "eval 'echo {{labels.v}}'",
    "ssh db1 echo {{labels.v}}",
    "ssh db1 'echo \"{{labels.v}}\"'",
    "kubectl exec -n prod pod/api -- sh -c 'echo {{labels.v}}'",
    "kubectl exec pod/api -- echo {{labels.v}}",
    "echo {{labels.v}} | xargs echo",
    "printf '%s\\n' '{{labels.v}}' | xargs -I{} sh -c 'echo {}'",
    "cat <<EOF\n{{labels.v}}\nEOF",
    "sh <<EOF\necho {{labels.v}}\nEOF",
    "cat <<'EOF' | sh\necho '{{labels.v}}'\nEOF",
    "echo {{labels.v}}",
    'echo "{{labels.v}}"',
    "echo '{{labels.v}}'",
)
HOSTILE = (
    "$(touch {m})",
    "`touch {m}`",
    "x';touch {m};'",
    'x";touch {m};"',
    "x;touch {m}",
    "x && touch {m}",
    "x|touch {m}",
    "x\ntouch {m}",
    "\x1b[8m$(touch {m})\x1b[0m",  # hidden from a terminal by SGR 8 (conceal)
    "x\x00;touch {m}",
    "'\"'$(touch {m})'\"'",
    "\\';touch {m};\\'",
    "${{IFS}}touch${{IFS}}{m}",
    "-oProxyCommand=touch {m}",
    "a" * 100_000 + ";touch {m}",
)


@pytest.fixture
def fake_remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``ssh`` and ``kubectl`` on PATH that re-parse their arguments as the real ones do."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ssh").write_text('#!/bin/sh\nshift\nexec /bin/sh -c "$*"\n')
    (bin_dir / "kubectl").write_text(
        '#!/bin/sh\nwhile [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n'
    )
    for name in ("ssh", "kubectl"):
        (bin_dir / name).chmod(0o755)
    assert shutil.which("bash") is not None
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def runbook_text(templates: tuple[str, ...]) -> str:
    steps = []
    for i, template in enumerate(templates):
        body = "\n".join(f"  {line}" for line in template.split("\n"))
        steps.append(f"- [ ] Step {i + 1}\n  ```sh\n{body}\n  ```\n")
    return "---\nname: hostile\ntitle: Hostile\n---\n# Hostile\n\n" + "".join(steps)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_runs_with_a_plain_value(fake_remote: Path, template: str) -> None:
    # The control: each template does run and shows the value, so the refusals below are
    # about the values, not broken templates or fakes.
    runbook = parse_runbook(runbook_text((template,)), "t.md")
    labels = {"v": "demo-api.prod:8080"}
    session = RunbookSession.start(runbook, Config(path=None), None, labels=labels)
    result = session.perform(0, confirmed=True)
    assert (result.outcome, result.output) == ("done", "nested " * ("nested" in template)
                                               + "demo-api.prod:8080\n")  # fmt: skip


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: repr(h[:24]))
@pytest.mark.parametrize("template", TEMPLATES)
def test_no_hostile_value_executes_in_any_template(
    tmp_path: Path, fake_remote: Path, template: str, hostile: str
) -> None:
    marker = tmp_path / "pwned"
    runbook = parse_runbook(runbook_text((template,)), "t.md")
    labels = {"v": hostile.format(m=marker)}
    session = RunbookSession.start(runbook, Config(path=None), None, labels=labels)
    refusal = session.refusal(runbook.steps[0])
    try:
        result = session.perform(0, confirmed=True)
    except RunError:
        assert refusal is not None and refusal.startswith("label v ")
    else:  # a design that runs it must show the value as data
        assert result.output is not None and str(marker) in result.output
    assert not marker.exists()


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: repr(h[:24]))
def test_cockpit_runbook_run_executes_nothing(
    tmp_path: Path,
    fake_remote: Path,
    hostile: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    marker = tmp_path / "pwned"
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True)
    (folder / "hostile.md").write_text(runbook_text(TEMPLATES), encoding="utf-8")
    # For every step: run it, confirm it, then mark it done (moving on if it was refused).
    replies = iter(["r", "y", "d"] * len(TEMPLATES) + ["q"])
    monkeypatch.setattr("cockpit.cli.runbook._ask", lambda prompt: next(replies))
    value = hostile.format(m=marker)
    code = main(["runbook", "run", "hostile", "--label", f"v={value}"])
    out = capsys.readouterr().out
    assert not marker.exists()
    assert code == 0
    assert "about to run" not in out and out.count("not done: label v ") == len(TEMPLATES)
    assert "\x1b" not in out and "\x07" not in out


def hostile_config(config: Config) -> Config:
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.md").write_text(runbook_text(TEMPLATES), encoding="utf-8")
    return dataclasses.replace(config, prometheus=None, prometheus_servers=())


async def test_the_run_screen_executes_nothing_and_shows_the_payload(
    tmp_path: Path,
    fake_remote: Path,
    make_app: Callable[..., CockpitApp],
    sample_config: Config,
) -> None:
    marker = tmp_path / "pwned"
    value = f"\x1b[8m$(touch {marker})\x1b[0m"
    app = make_app(hostile_config(sample_config))
    async with app.run_test(size=(130, 34)) as pilot:
        open_runbook(app, "hostile", labels={"v": value})
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunbookRunScreen)
        for _ in TEMPLATES:
            await pilot.press("x")
            await pilot.pause()
            if isinstance(app.screen, ConfirmScreen):  # a design that asks must show it all
                shown = str(app.screen.query_one("#confirm-detail", Static).render())
                assert "\x1b" not in shown and "\\x1b[8m" in shown
                await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("d")  # on to the next step
            await pilot.pause()
        assert not marker.exists()
        messages = [n.message for n in app._notifications]
        assert any("label v holds \\x1b (character 1)" in m for m in messages), messages
        title = str(screen.query_one("#rb-title", Static).render())
        assert "\x1b" not in title and "v=\\x1b[8m$(touch" in title


async def test_the_confirm_dialog_shows_control_characters_in_the_command(
    make_app: Callable[..., CockpitApp], sample_config: Config
) -> None:
    # A runbook can carry them too: the dialog shows the command as it is, nothing hidden.
    folder = locations.user_runbooks_dir()
    folder.mkdir(parents=True)
    text = runbook_text(("echo safe \x1b[8m; echo {{labels.v}} \u202e",))
    (folder / "hostile.md").write_text(text, encoding="utf-8")
    app = make_app(dataclasses.replace(sample_config, prometheus=None, prometheus_servers=()))
    async with app.run_test(size=(130, 34)) as pilot:
        open_runbook(app, "hostile", labels={"v": "demo-api"})
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        shown = str(app.screen.query_one("#confirm-detail", Static).render())
        assert shown == "echo safe \\x1b[8m; echo demo-api \\u202e"
        await pilot.press("n")


@pytest.fixture(autouse=True)
def _no_stray_marker(tmp_path: Path) -> Iterator[None]:
    yield
    assert not (tmp_path / "pwned").exists()
