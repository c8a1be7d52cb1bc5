"""A runbook step's outside work: a command in a subprocess, a PromQL check, a probe.

Each ``perform_*``/``run_command`` returns a ``StepResult`` and touches no notebook, so it
may run in a worker thread; ``RunbookSession`` (``runbook_run.py``) records the result on
the thread that owns the notebook.

Safety: a command's environment is the user's minus every secret the cockpit knows of,
and a timeout kills its whole process group (``runbook_run.py`` says when one may run).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO

from cockpit.config import Config, Endpoint, SecretRef
from cockpit.model.runbook_run import Outcome
from cockpit.model.runbooks import Step
from cockpit.secrets import ENV_PREFIX, SecretError, env_var

COMMAND_TIMEOUT = timedelta(minutes=5)
# The store keeps this much of a command's output; beyond it the middle is not kept.
OUTPUT_LIMIT = 1_000_000

LineCallback = Callable[[str], None]


@dataclass(frozen=True)
class StepResult:
    """What running a step found: its outcome and everything the audit trail keeps."""

    outcome: Outcome
    note: str = ""
    command: str | None = None
    exit_status: int | None = None
    output: str | None = None
    value: float | None = None  # a check's value

    @property
    def passed(self) -> bool:
        return self.outcome == "done"


# -- the environment a command runs in --------------------------------------------
def config_secret_names(config: Config) -> set[str]:
    """Names of every secret the config refers to."""
    names: set[str] = set()
    endpoints: Iterable[Endpoint | None] = (config.prometheus, config.alertmanager)
    header_sets = [e.headers for e in endpoints if e is not None]
    header_sets += [p.headers for p in config.probes]
    for endpoint in (config.prometheus, config.alertmanager):
        if endpoint is not None and endpoint.auth is not None:
            names.add(endpoint.auth.secret)
    for headers in header_sets:
        names.update(v.name for v in headers.values() if isinstance(v, SecretRef))
    return names


def command_environment(
    environ: Mapping[str, str], secret_names: Iterable[str] = ()
) -> dict[str, str]:
    """``environ`` without ``COCKPIT_SECRET_*`` and without variables named like one of
    the cockpit's secrets (``PROM_TOKEN`` as well as ``COCKPIT_SECRET_PROM_TOKEN``)."""
    drop = set()
    for name in secret_names:
        drop.update({name, name.upper(), env_var(name)})
    return {k: v for k, v in environ.items() if not k.startswith(ENV_PREFIX) and k not in drop}


# -- commands ---------------------------------------------------------------------
def _keep(output: str) -> str:
    if len(output) <= OUTPUT_LIMIT:
        return output
    half = OUTPUT_LIMIT // 2
    return (
        f"{output[:half]}\n… {len(output) - OUTPUT_LIMIT} characters not kept …\n{output[-half:]}"
    )


def run_command(
    command: str,
    *,
    env: Mapping[str, str],
    timeout: timedelta = COMMAND_TIMEOUT,
    on_line: LineCallback | None = None,
    cwd: str | None = None,
    stop: threading.Event | None = None,
) -> StepResult:
    """Run ``command`` with ``/bin/sh -c``, stdout and stderr merged, no stdin; call
    ``on_line`` per output line as it comes. A timeout, or ``stop`` being set (the cockpit
    closing), kills the process group."""
    try:
        process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,  # its own process group, so a timeout kills children too
        )
    except OSError as exc:
        return StepResult("failed", f"could not start the command: {exc}", command, None, "")
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(timeout.total_seconds(), kill)
    timer.daemon = True
    timer.start()
    stopper = None
    if stop is not None:

        def stop_when_asked() -> None:
            if stop.wait(timeout.total_seconds()) and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

        stopper = threading.Thread(target=stop_when_asked, daemon=True)
        stopper.start()
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in _lines(process.stdout):
            lines.append(line)
            if on_line is not None:
                on_line(line.rstrip("\n"))
        status = process.wait()
    except BaseException:
        # Ctrl-C in the CLI: the command has its own session, so the terminal's SIGINT
        # never reached it; it must not live on unattended.
        kill()
        process.wait()
        raise
    finally:
        timer.cancel()
    output = _keep("".join(lines))
    if stop is not None and stop.is_set():
        return StepResult("failed", "stopped: the cockpit was closing", command, status, output)
    if timed_out.is_set():
        note = f"timed out after {timeout.total_seconds():g} s; the command was killed"
        return StepResult("failed", note, command, status, output)
    if status != 0:
        return StepResult("failed", f"exit status {status}", command, status, output)
    return StepResult("done", "", command, status, output)


def _lines(stream: IO[bytes]) -> Iterable[str]:
    for raw in iter(stream.readline, b""):
        yield raw.decode("utf-8", errors="replace")


# -- checks -----------------------------------------------------------------------
def perform_check(step: Step, labels: Mapping[str, str], config: Config) -> StepResult:
    """Run a check step's PromQL query and compare its value with the expectation."""
    from cockpit.sources.errors import SourceError
    from cockpit.sources.prometheus import PrometheusQueries

    query = step.query_for(labels) or ""
    if config.prometheus is None:
        return StepResult("failed", "Prometheus is not configured: add [prometheus] url = ...")
    if step.expectation is None:
        return StepResult("failed", "the check has no 'expect:' line; fix the runbook (lint)")
    try:
        samples = PrometheusQueries(config.prometheus).query(query)
    except (SourceError, SecretError) as exc:
        return StepResult("failed", f"query failed: {exc}", output=query)
    except Exception as exc:  # a client bug: say so, do not crash the run
        # The type only: an exception's text can quote a request header, and so a token.
        return StepResult("failed", f"query failed ({type(exc).__name__})", output=query)
    if not samples:
        return StepResult(
            "failed",
            f"no data: the query returned nothing (expected {step.expectation})",
            output=query,
        )
    if len(samples) > 1:
        note = (
            f"the query returned {len(samples)} series; a check needs one (wrap it in sum or max)"
        )
        return StepResult("failed", note, output=query)
    value = samples[0].value
    passed = step.expectation.holds(value)
    verdict = "holds" if passed else "does not hold"
    note = f"value {value:.6g}: {step.expectation} {verdict}"
    return StepResult("done" if passed else "failed", note, output=query, value=value)


def perform_probe(step: Step, config: Config) -> StepResult:
    """Run a probe step's configured health probe once."""
    from cockpit.services.probe_check import check_once

    probe = next((p for p in config.probes if p.name == step.probe), None)
    if probe is None:
        known = ", ".join(p.name for p in config.probes) or "none configured"
        return StepResult("failed", f"no probe named {step.probe!r} in the config ({known})")
    result = check_once([probe])[0]
    latency = "" if result.latency_ms is None else f" in {result.latency_ms:.0f} ms"
    status = "" if result.status_code is None else f" (HTTP {result.status_code})"
    if result.ok:
        mode = ", degraded mode" if result.degraded else ""
        return StepResult("done", f"probe {probe.name} ok{status}{latency}{mode}", output=probe.url)
    reason = f"{result.category}: {result.reason}" if result.category else result.reason
    return StepResult(
        "failed", f"probe {probe.name} failing{status}{latency}: {reason}", output=probe.url
    )


# -- a run with its audit trail ---------------------------------------------------
def who_am_i(config: Config) -> str:
    return config.oncall.who_am_i()


def utc_now() -> datetime:
    return datetime.now(UTC)
