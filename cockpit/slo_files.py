"""SLOs from files users already have: Sloth `prometheus/v1` specs and OpenSLO v1 `SLO`
objects (ratio indicators), listed in the config under `[slo_import] files`.

Problems name the file, the key path inside it and the reason, like config problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from cockpit.config_checks import Problem
from cockpit.model.durations import parse_duration

# Sloth's default SLO period; OpenSLO says its own in timeWindow.
SLOTH_WINDOW = timedelta(days=30)
MAX_FILE_BYTES = 1_000_000
_SELECTOR = re.compile(r"^[A-Za-z_:][\w:]*(\{[^{}]*\})?$")


Imported = tuple[Path, str, dict[str, Any]]  # (file, key path in it, [[slo]]-shaped table)


def load_slo_files(paths: list[Path]) -> tuple[list[Imported], list[Problem]]:
    """[[slo]]-shaped tables for the config parser, and the problems found."""
    import yaml

    tables: list[Imported] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                problems.append(Problem(str(path), "", "larger than 1 MB: not an SLO file"))
                continue
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except OSError as exc:
            problems.append(Problem(str(path), "", f"cannot read the file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(path), "", "not a text file (UTF-8 YAML expected)"))
            continue
        except RecursionError:
            problems.append(Problem(str(path), "", "not valid YAML: nested too deeply"))
            continue
        except yaml.YAMLError as exc:
            problems.append(Problem(str(path), "", f"not valid YAML: {exc}"))
            continue
        for n, document in enumerate(documents):
            prefix = f"[{n}]" if len(documents) > 1 else ""
            if not isinstance(document, Mapping):
                problems.append(Problem(str(path), prefix, "expected a mapping"))
                continue
            if document.get("version") == "prometheus/v1":
                _sloth(path, prefix, document, tables, problems)
            elif document.get("apiVersion") == "openslo/v1" and document.get("kind") == "SLO":
                _openslo(path, prefix, document, tables, problems)
            else:
                problems.append(
                    Problem(
                        str(path), prefix, "not a Sloth prometheus/v1 spec or an OpenSLO v1 SLO"
                    )
                )
    return tables, problems


def _text(value: Any) -> Any:
    """A scalar as text; a list or mapping as it is, for the config's checks to name. Never
    ``str()`` of a collection: a YAML alias bomb of a few hundred bytes prints as gigabytes."""
    return str(value) if value is None or isinstance(value, str | int | float) else value


def _window_placeholder(query: str) -> str:
    # Sloth writes {{.window}}; the cockpit's placeholder is {{window}}.
    return query.replace("{{.window}}", "{{window}}")


def _sloth(
    path: Path, prefix: str, spec: Mapping[str, Any], tables: list[Imported],
    problems: list[Problem],
) -> None:  # fmt: skip
    service = _text(spec.get("service", ""))
    slos = spec.get("slos")
    if not isinstance(slos, list):
        problems.append(Problem(str(path), f"{prefix}slos", "expected a list of SLOs"))
        return
    for i, slo in enumerate(slos):
        key = f"{prefix}slos[{i}]"
        if not isinstance(slo, Mapping):
            problems.append(Problem(str(path), key, "expected a mapping"))
            continue
        events = (
            (slo.get("sli") or {}).get("events") if isinstance(slo.get("sli"), Mapping) else None
        )
        if not isinstance(events, Mapping):
            problems.append(
                Problem(
                    str(path),
                    f"{key}.sli",
                    "only `events` SLIs (error_query, total_query) are read",
                )
            )
            continue
        error_query, total_query = events.get("error_query"), events.get("total_query")
        if not isinstance(error_query, str) or not isinstance(total_query, str):
            problems.append(
                Problem(str(path), f"{key}.sli.events", "needs error_query and total_query")
            )
            continue
        tables.append(
            (
                path,
                key,
                {
                    "name": _text(slo.get("name", f"slo-{i}")),
                    "service": service,
                    "objective": slo.get("objective"),
                    "window": "30d",
                    "sli": "ratio",
                    "bad": _window_placeholder(error_query),
                    "total": _window_placeholder(total_query),
                    "description": _text(slo.get("description", "")),
                },
            )
        )


def _ratio_query(metric: Any) -> str | None:
    """The PromQL of an OpenSLO metric source, as a rate over {{window}}."""
    if not isinstance(metric, Mapping):
        return None
    source = metric.get("metricSource")
    spec = source.get("spec") if isinstance(source, Mapping) else None
    query = spec.get("query") if isinstance(spec, Mapping) else None
    if not isinstance(query, str):
        return None
    query = query.strip()
    if "{{window}}" in query:
        return query
    if _SELECTOR.match(query):
        return f"sum(rate({query}[{{{{window}}}}]))"
    # An expression over counters: a subquery gives it a range.
    return f"sum(rate(({query})[{{{{window}}}}:1m]))"


def _openslo(
    path: Path, prefix: str, doc: Mapping[str, Any], tables: list[Imported],
    problems: list[Problem],
) -> None:  # fmt: skip
    spec = doc.get("spec")
    raw_metadata = doc.get("metadata")
    metadata: Mapping[str, Any] = raw_metadata if isinstance(raw_metadata, Mapping) else {}
    if not isinstance(spec, Mapping):
        problems.append(Problem(str(path), f"{prefix}spec", "expected a mapping"))
        return
    indicator = spec.get("indicator")
    ind_spec = indicator.get("spec") if isinstance(indicator, Mapping) else None
    ratio = ind_spec.get("ratioMetric") if isinstance(ind_spec, Mapping) else None
    if not isinstance(ratio, Mapping):
        problems.append(
            Problem(
                str(path),
                f"{prefix}spec.indicator.spec.ratioMetric",
                "only ratio indicators are read",
            )
        )
        return
    total = _ratio_query(ratio.get("total"))
    good, bad = _ratio_query(ratio.get("good")), _ratio_query(ratio.get("bad"))
    if total is None or (good is None) == (bad is None):
        problems.append(
            Problem(str(path), f"{prefix}spec.indicator.spec.ratioMetric",
                    "needs total and one of good or bad, each with metricSource.spec.query")
        )  # fmt: skip
        return
    window = "30d"
    windows = spec.get("timeWindow")
    if isinstance(windows, list) and windows and isinstance(windows[0], Mapping):
        raw_duration = windows[0].get("duration", "30d")
        key = f"{prefix}spec.timeWindow[0]"
        if not isinstance(raw_duration, str | int | float):
            problems.append(Problem(str(path), f"{key}.duration", "expected a duration like 28d"))
            return
        duration = str(raw_duration).strip()
        if windows[0].get("isRolling") is False or duration[-1:] in ("M", "Q", "Y"):
            # A calendar month or quarter is not a fixed span; "1M" must not read as 1 minute.
            problems.append(
                Problem(str(path), key, "only rolling windows in days, hours or weeks are "
                        "read (e.g. 28d); calendar windows (M, Q, Y) are not supported")
            )  # fmt: skip
            return
        try:
            parse_duration(duration)
            window = duration
        except ValueError as exc:
            problems.append(Problem(str(path), f"{key}.duration", str(exc)))
            return
    objectives = spec.get("objectives")
    target = (
        objectives[0].get("target")
        if isinstance(objectives, list) and objectives and isinstance(objectives[0], Mapping)
        else None
    )
    if not isinstance(target, int | float) or isinstance(target, bool) or _too_large(target):
        problems.append(
            Problem(str(path), f"{prefix}spec.objectives[0].target", "expected a number like 0.999")
        )
        return
    table: dict[str, Any] = {
        "name": _text(metadata.get("name", path.stem)),
        "service": _text(spec.get("service", "")),
        "objective": float(target) * 100,
        "window": window,
        "sli": "ratio",
        "total": total,
        "description": _text(spec.get("description", "")),
    }
    table["good" if good is not None else "bad"] = good if good is not None else bad
    tables.append((path, prefix or "spec", table))


def _too_large(number: int | float) -> bool:
    """A YAML integer has no size limit; one past a float's range is no objective."""
    try:
        float(number)
    except OverflowError:
        return True
    return False
