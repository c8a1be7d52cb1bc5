"""`cockpit incident ...` as a script sees it: output, --json, exit codes, and a refused
command leaving the notebook as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cockpit.cli import main
from cockpit.store import open_notebook


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["incident", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def db_rows(table: str) -> int:
    with open_notebook(Path(os.environ["COCKPIT_DATA_DIR"]) / "cockpit.sqlite3") as store:
        return int(store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def create(capsys: pytest.CaptureFixture[str], severity: str = "Sev2") -> str:
    code, out, _ = run(
        capsys, "create", "--title", "Qwen LLM Failure", "--severity", severity,
        "--component", "LLM", "--component", "Qwen", "--json",
    )  # fmt: skip
    assert code == 0
    record = json.loads(out)
    assert (record["status"], record["components"]) == ("detected", ["LLM", "Qwen"])
    return str(record["id"])


def test_full_lifecycle_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    incident = create(capsys)
    assert run(capsys, "ack", incident, "--responder", "alice")[:2] == (
        0, f"{incident}: acknowledged\n",
    )  # fmt: skip
    assert run(capsys, "status", incident, "investigating", "--note", "checking health")[0] == 0
    assert run(capsys, "note", incident, "OOM in the logs")[0] == 0
    assert run(capsys, "root-cause", incident, "memory leak", "--suspected")[0] == 0
    assert run(capsys, "root-cause", incident, "OOM from a leak in inference")[0] == 0
    assert run(capsys, "action", incident, "Alert on memory", "--owner", "bob", "--due",
               "2025-10-20", "--verify", "fires in staging")[0] == 0  # fmt: skip
    assert run(capsys, "resolve", incident, "restarted with more memory")[0] == 0
    code, out, _ = run(capsys, "close", incident)
    assert code == 0 and "needs a postmortem" in out
    code, out, _ = run(capsys, "list")
    assert "postmortem due" in out
    assert run(capsys, "postmortem", incident, "--link", "https://wiki/pm")[0] == 0
    code, out, _ = run(capsys, "show", incident, "--json")
    shown = json.loads(out)
    assert shown["status"] == "closed" and shown["postmortem_done"] is True
    assert shown["responder"] == "alice" and shown["suspected_cause"] == "memory leak"
    assert shown["action_items"][0]["owner"] == "bob"
    item = shown["action_items"][0]["id"]
    assert shown["action_items"][0]["done"] is False
    assert run(capsys, "action-done", str(item))[1] == f"action item {item}: done\n"
    assert json.loads(run(capsys, "show", incident, "--json")[1])["action_items"][0]["done"]
    code, _, err = run(capsys, "action-done", "999")
    assert code == 2 and "no action item 999" in err
    assert [e["kind"] for e in shown["timeline"]] == [
        "status_change", "status_change", "status_change", "note", "status_change",
        "status_change", "note",
    ]  # fmt: skip
    code, out, _ = run(capsys, "report", incident)
    for heading in ("What", "When", "Impact", "Detection", "Response", "Root cause", "Lessons",
                    "Action items", "Timeline"):  # fmt: skip
        assert f"\n## {heading}\n" in out
    assert "OOM from a leak in inference" in out and "| Alert on memory | bob |" in out
    code, out, _ = run(capsys, "stats", "--since", "7d", "--json")
    sev2 = json.loads(out)["severities"][1]
    assert (sev2["severity"], sev2["count"], sev2["open"], sev2["resolved"]) == ("Sev2", 1, 0, 1)


def test_unknown_id_exits_2_naming_close_matches(capsys: pytest.CaptureFixture[str]) -> None:
    incident = create(capsys)
    near = incident[:-1] + str((int(incident[-1]) + 1) % 10)  # one digit off
    for command in (["ack", near], ["show", incident + "x"], ["close", "zzz"]):
        code, _, err = run(capsys, *command)
        assert code == 2
        assert f"no incident {command[1]!r}" in err
    code, _, err = run(capsys, "ack", near)
    assert f"close matches: {incident}" in err


def test_bad_input_is_refused_and_nothing_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "create", "--title", "  ", "--severity", "Sev2")
    assert code == 2 and "title is empty" in err
    code, _, err = run(capsys, "create", "--title", "x", "--severity", "P1")
    assert code == 2 and "Sev1, Sev2, Sev3, Sev4" in err
    assert db_rows("incidents") == 0
    incident = create(capsys)
    events = db_rows("timeline_events")
    code, _, err = run(capsys, "status", incident, "closed")
    assert code == 2 and "allowed from detected: acknowledged, investigating" in err
    code, _, err = run(capsys, "status", incident, "fixed")
    assert code == 2 and "unknown status 'fixed'" in err
    code, _, err = run(capsys, "postmortem", incident, "--link", "https://x")
    assert code == 2 and "resolve it first" in err
    code, _, err = run(capsys, "report", incident, "--template", "nope")
    assert code == 2 and "postmortem, db, redis, deploy, overload" in err
    code, _, err = run(capsys, "stats", "--since", "soon")
    assert code == 2 and "7d" in err
    assert db_rows("timeline_events") == events


def test_report_variants_and_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    incident = create(capsys)
    sections = {
        "db": "Follow-up", "redis": "Follow-up", "deploy": "Rollback / redeploy record",
        "overload": "Capacity / performance follow-up",
    }  # fmt: skip
    for template, last in sections.items():
        code, out, _ = run(capsys, "report", incident, "--template", template)
        assert code == 0
        headings = [line[3:] for line in out.splitlines() if line.startswith("## ")]
        assert headings == ["Impact", "Cause", "Mitigation", "Recovery verification", last,
                            "Timeline"]  # fmt: skip
        assert "- Suspected:" in out and "- Confirmed:" in out
    target = tmp_path / "pm.md"
    assert run(capsys, "report", incident, "--output", str(target))[0] == 0
    assert target.read_text().startswith(f"# Postmortem: {incident}")
    code, _, err = run(capsys, "report", incident, "--output", str(tmp_path / "no" / "x.md"))
    assert code == 2 and "does not exist" in err


def test_list_and_stats_when_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "list", "--open")[1] == "no open incidents\n"
    assert json.loads(run(capsys, "list", "--json")[1]) == []
    code, out, _ = run(capsys, "stats")
    assert code == 0 and "Sev1" in out and "—" in out
