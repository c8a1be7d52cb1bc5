from __future__ import annotations

from pathlib import Path

from cockpit.locations import bundled_runbooks_dir
from cockpit.services.runbook_catalog import (
    RunbookEntry,
    find_for_alert,
    load_catalog,
)


def write(folder: Path, file: str, name: str, title: str, alerts: str = "[]") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    path.write_text(
        f"---\nname: {name}\ntitle: {title}\nalerts: {alerts}\n---\n- [ ] Do it\n",
        encoding="utf-8",
    )
    return path


def by_name(catalog: list[RunbookEntry]) -> dict[str, RunbookEntry]:
    return {e.name: e for e in catalog}


def test_bundled_dir_holds_the_runbooks() -> None:
    assert bundled_runbooks_dir().is_dir()
    assert bundled_runbooks_dir().name == "runbooks"
    assert len(list(bundled_runbooks_dir().glob("*.md"))) == 8


def test_bundled_catalog_is_sorted_by_title_and_clean() -> None:
    catalog = load_catalog([])
    assert len(catalog) == 8
    titles = [e.title for e in catalog]
    assert titles == sorted(titles, key=str.casefold)
    for entry in catalog:
        assert entry.origin == "bundled"
        assert entry.runbook is not None and entry.problems == ()
        assert entry.path.parent == bundled_runbooks_dir()


def test_user_folder_overrides_bundled_by_name(tmp_path: Path) -> None:
    # The file name differs on purpose: the front-matter name decides what it overrides.
    path = write(tmp_path / "mine", "errors.md", "high-error-rate", "Our error runbook")
    write(tmp_path / "mine", "extra.md", "extra", "Extra")
    catalog = load_catalog([tmp_path / "mine"])
    names = by_name(catalog)
    assert len(catalog) == 9
    entry = names["high-error-rate"]
    assert (entry.origin, entry.title, entry.path) == ("user", "Our error runbook", path)
    assert names["extra"].origin == "user"
    assert names["high-latency"].origin == "bundled"


def test_later_folder_wins(tmp_path: Path) -> None:
    write(tmp_path / "a", "x.md", "x", "From A")
    write(tmp_path / "b", "x.md", "x", "From B")
    assert by_name(load_catalog([tmp_path / "a", tmp_path / "b"]))["x"].title == "From B"
    assert by_name(load_catalog([tmp_path / "b", tmp_path / "a"]))["x"].title == "From A"


def test_broken_and_unreadable_files_are_listed(tmp_path: Path) -> None:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "broken.md").write_text("---\ntitle: never closed\n- [ ] x\n", encoding="utf-8")
    (folder / "binary.md").write_bytes(b"\xff\xfe\x00not utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    names = by_name(load_catalog([folder, tmp_path / "does-not-exist"]))
    broken = names["broken"]
    assert broken.runbook is None and broken.origin == "user"
    assert broken.problems[0].line == 1 and "never closed" in broken.problems[0].message
    binary = names["binary"]
    assert binary.runbook is None and "cannot read" in binary.problems[0].message
    assert "notes" not in names


def test_lint_warnings_keep_the_runbook(tmp_path: Path) -> None:
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "w.md").write_text("---\ntitle: W\nowner: me\n---\n- [ ] x\n", encoding="utf-8")
    entry = by_name(load_catalog([folder]))["w"]
    assert entry.runbook is not None
    assert [p.line for p in entry.problems] == [3]


def test_duplicate_name_in_one_folder_is_flagged(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "same", "A")
    write(tmp_path, "b.md", "same", "B")
    entry = by_name(load_catalog([tmp_path]))["same"]
    assert entry.title == "B"
    assert "also used by" in entry.problems[-1].message


def test_find_by_runbook_annotation() -> None:
    catalog = load_catalog([])
    found = find_for_alert(catalog, "Whatever", {"runbook": "redis-outage"})
    assert found is not None and found.name == "redis-outage"
    found = find_for_alert(catalog, "HighErrorRate", {"runbook": "deploy-rollback.md"})
    assert found is not None and found.name == "deploy-rollback"


def test_find_by_runbook_url() -> None:
    catalog = load_catalog([])
    for url in (
        "cockpit://runbooks/database-outage.md",
        "https://wiki.example.com/runbooks/database-outage",
        "https://git.example.com/ops/blob/main/database-outage.md#steps",
    ):
        found = find_for_alert(catalog, "Unrelated", {"runbook_url": url})
        assert found is not None and found.name == "database-outage", url


def test_find_by_alerts_list() -> None:
    catalog = load_catalog([])
    found = find_for_alert(catalog, "RedisEvictions", {})
    assert found is not None and found.name == "redis-outage"
    # An annotation naming no known runbook falls back to the alerts list.
    found = find_for_alert(catalog, "HighCpu", {"runbook": "nope", "runbook_url": "x/y.md"})
    assert found is not None and found.name == "traffic-overload"


def test_find_nothing() -> None:
    catalog = load_catalog([])
    assert find_for_alert(catalog, "NoSuchAlert", {}) is None
    assert find_for_alert(catalog, "NoSuchAlert", {"runbook": "", "summary": "x"}) is None
    assert find_for_alert([], "HighErrorRate", {"runbook": "high-error-rate"}) is None


def test_find_prefers_user_override(tmp_path: Path) -> None:
    write(tmp_path, "high-error-rate.md", "high-error-rate", "Ours", "[HighErrorRate]")
    catalog = load_catalog([tmp_path])
    for notes in ({}, {"runbook": "high-error-rate"}):
        found = find_for_alert(catalog, "HighErrorRate", notes)
        assert found is not None and found.origin == "user" and found.title == "Ours"
