"""The handoff notebook: draft, checklist template, ticks, sign-off refusals, read-only
once signed; the [handoff] and [oncall] config keys; the CLI."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.config import ConfigError, parse
from cockpit.model.checklist import DEFAULT_TEMPLATE, TemplateItem, parse_item
from cockpit.services import notify
from cockpit.store import Notebook, open_notebook
from cockpit.store.handoffs import (
    HandoffRefused,
    create_draft,
    current_draft,
    get_handoff,
    past_handoffs,
    save_text,
    sign,
    tick,
)
from tests.pg_server import integrity_error

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
TEMPLATE = (TemplateItem("outgoing", "Digest read"), TemplateItem("incoming", "VPN works"))


@pytest.fixture
def store(notebook_target: str | Path) -> Iterator[Notebook]:
    with open_notebook(notebook_target) as opened:
        yield opened


def _draft(store: Notebook):  # type: ignore[no-untyped-def]
    return create_draft(
        store, outgoing="alice", incoming="bob", shift_start=NOW - timedelta(days=7),
        shift_end=NOW + timedelta(minutes=30), template=TEMPLATE, now=NOW,
    )  # fmt: skip


def test_draft_copies_the_template_and_there_is_only_one(store: Notebook) -> None:
    draft = _draft(store)
    assert [(i.part, i.text, i.checked) for i in draft.checklist] == [
        ("outgoing", "Digest read", False),
        ("incoming", "VPN works", False),
    ]
    again = _draft(store)
    assert again.id == draft.id
    assert current_draft(store) == draft
    with pytest.raises(integrity_error(store)):  # the unique index, whoever inserts
        store.connection.execute(
            "INSERT INTO handoffs (outgoing, shift_start, shift_end, created_at)"
            " SELECT outgoing, shift_start, shift_end, created_at FROM handoffs"
        )


def test_nobody_on_call_is_refused_with_what_to_do(store: Notebook) -> None:
    with pytest.raises(HandoffRefused, match=r"set \[oncall\] roster"):
        create_draft(store, outgoing=" ", incoming=None, shift_start=NOW, shift_end=NOW,
                     template=(), now=NOW)  # fmt: skip


def test_ticks_and_free_text_then_sign(store: Notebook) -> None:
    draft = _draft(store)
    item = tick(store, draft.checklist[1].id, checked=True, by="bob", at=NOW)
    assert (item.checked, item.checked_by, item.checked_at) == (True, "bob", NOW)
    unticked = tick(store, draft.checklist[1].id, checked=False, by="bob", at=NOW)
    assert (unticked.checked, unticked.checked_by) == (False, None)
    save_text(store, draft.id, "notes", "half-typed")
    save_text(store, draft.id, "notes", "half-typed note")
    save_text(store, draft.id, "time_critical", "renew cert")
    with pytest.raises(ValueError, match="unknown handoff section"):
        save_text(store, draft.id, "digest", "x")
    signed = sign(store, draft.id, by="bob", at=NOW + timedelta(minutes=35), digest="# d")
    assert (signed.signed_by, signed.signed_at) == ("bob", NOW + timedelta(minutes=35))
    assert signed.shift_end == signed.signed_at
    assert (signed.notes, signed.time_critical, signed.digest) == (
        "half-typed note",
        "renew cert",
        "# d",
    )
    assert current_draft(store) is None
    assert past_handoffs(store) == [signed]


def test_signing_as_the_outgoing_engineer_is_refused(store: Notebook) -> None:
    draft = _draft(store)
    with pytest.raises(HandoffRefused, match=r"Alice is the outgoing engineer.*bob"):
        sign(store, draft.id, by="Alice", at=NOW, digest="")
    with pytest.raises(HandoffRefused, match="sign with your name"):
        sign(store, draft.id, by="  ", at=NOW, digest="")
    assert get_handoff(store, draft.id).signed_at is None  # type: ignore[union-attr]


def test_only_the_incoming_engineer_signs(store: Notebook) -> None:
    draft = _draft(store)
    with pytest.raises(HandoffRefused, match=r"only the incoming engineer, bob, signs"):
        sign(store, draft.id, by="nobody-at-all", at=NOW, digest="")
    assert get_handoff(store, draft.id).signed_at is None  # type: ignore[union-attr]
    assert sign(store, draft.id, by="BOB", at=NOW, digest="# d").signed_by == "bob"


def test_a_signed_handoff_is_read_only(store: Notebook) -> None:
    draft = _draft(store)
    sign(store, draft.id, by="bob", at=NOW, digest="# d")
    with pytest.raises(HandoffRefused, match=r"already signed by bob.*read-only"):
        sign(store, draft.id, by="chen", at=NOW, digest="")
    with pytest.raises(HandoffRefused, match="read-only"):
        save_text(store, draft.id, "notes", "too late")
    with pytest.raises(HandoffRefused, match="read-only"):
        tick(store, draft.checklist[0].id, checked=True, by="alice", at=NOW)
    # The triggers hold even for a writer that goes round this module.
    for sql in ("UPDATE handoffs SET notes = 'x'", "UPDATE handoff_checklist_items SET checked = 1",
                "DELETE FROM handoffs"):  # fmt: skip
        with pytest.raises(integrity_error(store), match="signed and read-only"):
            store.connection.execute(sql)


def test_sign_off_publishes_and_a_broken_notifier_does_not_undo_it(store: Notebook) -> None:
    from cockpit.services.shift import sign_off

    seen: list[notify.Notification] = []

    def broken(_: notify.Notification) -> None:
        raise RuntimeError("webhook down")

    notify.subscribe("broken", broken)
    notify.subscribe("seen", seen.append)
    try:
        draft = _draft(store)
        signed = sign_off(store, draft, by="bob", now=NOW, digest="# d")
    finally:
        notify.unsubscribe_all()
    assert signed.signed_by == "bob"
    assert [(n.kind, n.subject, n.fields["signed_by"]) for n in seen] == [
        ("handoff_signed", f"handoff-{draft.id}", "bob")
    ]
    assert "2 checklist item(s) not ticked" in seen[0].text


# --- config ------------------------------------------------------------------------------


def test_checklist_template_parts_and_default() -> None:
    assert parse_item("outgoing: Runbooks linked") == TemplateItem("outgoing", "Runbooks linked")
    assert parse_item("Incoming:VPN") == TemplateItem("incoming", "VPN")
    assert parse_item("Check: the thing") == TemplateItem("incoming", "Check: the thing")
    with pytest.raises(ValueError, match="needs some text"):
        parse_item("outgoing:  ")
    parts = {i.part for i in DEFAULT_TEMPLATE}
    assert parts == {"outgoing", "incoming"}
    assert "VPN access checked" in [i.text for i in DEFAULT_TEMPLATE]  # docs/domain.md, Handoff


def test_config_handoff_and_rotation_keys(tmp_path: Path) -> None:
    text = '[oncall]\nrotation_start = "2026-10-02"\n[handoff]\nchecklist = ["outgoing: A", "B"]\n'
    config = parse(tomllib.loads(text), tmp_path / "c.toml")
    assert config.handoff.checklist == (
        TemplateItem("outgoing", "A"),
        TemplateItem("incoming", "B"),
    )
    assert str(config.oncall.rotation_start) == "2026-10-02"
    assert parse({}, tmp_path / "c.toml").handoff.checklist == DEFAULT_TEMPLATE


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ('[oncall]\nrotation_start = "friday"\n', "oncall.rotation_start", "not a date"),
        ('[oncall]\ntimezone = "Mars/Olympus"\n', "oncall.timezone", "unknown time zone"),
        ('[handoff]\nchecklist = ["ok", "incoming:"]\n', "handoff.checklist[1]", "needs some text"),
        ('[handoff]\nchecklist = "VPN"\n', "handoff.checklist", "array of strings"),
        ("[handoff]\nitems = []\n", "handoff.items", "unknown key"),
    ],
)
def test_config_problems_name_the_key(tmp_path: Path, text: str, key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(tomllib.loads(text), tmp_path / "c.toml")
    assert any(p.key == key and reason in p.reason for p in info.value.problems), info.value


# --- the command line --------------------------------------------------------------------


def _write_config() -> None:
    path = Path(os.environ["COCKPIT_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[oncall]\nroster = ["alice", "bob"]\ntimezone = "Europe/Berlin"\n'
        'rotation_start = "2026-11-06"\n'
    )


def test_cli_show_sign_off_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cockpit.cli.handoff import handoff
    from cockpit.cli.main import _parser

    _write_config()

    def run(*argv: str) -> int:
        return handoff(_parser().parse_args(["handoff", *argv]), clock=lambda: NOW)

    out = tmp_path / "digest.md"
    assert run("show", "--out", str(out)) == 0
    assert out.read_text().startswith("## Shift handoff: bob → alice")
    assert run("show", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["outgoing"], data["incoming"]) == ("bob", "alice")
    assert run("report") == 2
    assert "no handoff has been signed yet" in capsys.readouterr().err
    assert run("sign-off", "--as", "bob") == 2
    assert "bob is the outgoing engineer" in capsys.readouterr().err
    assert run("sign-off", "--as", "alice") == 0
    assert "signed by alice" in capsys.readouterr().out
    assert run("sign-off", "--as", "alice") == 2
    assert "already signed by alice" in capsys.readouterr().err
    assert run("report") == 0
    assert "signed by alice at Fri 2026-11-20 16:30 CET" in capsys.readouterr().out
    assert run("list", "--json") == 0
    assert [h["signed_by"] for h in json.loads(capsys.readouterr().out)] == ["alice"]


def test_cli_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cockpit.cli import main

    _write_config()
    assert main(["review", "--week", "2026-W47", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["week"] == 47
    assert main(["review", "--week", "47"]) == 2
    assert "write it like 2026-W47" in capsys.readouterr().err
