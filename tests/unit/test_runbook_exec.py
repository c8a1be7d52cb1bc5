"""Running steps: hostile label values stay inert, commands stream and time out, secrets
stay out of the command's environment, read-only refuses, confirmation is required."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest

from cockpit.config import Auth, Config, Endpoint, OnCall, ProbeConfig, SecretRef
from cockpit.model.runbook_parser import parse_runbook
from cockpit.model.runbook_run import RunError
from cockpit.model.runbooks import UnsafeValueError, substitute
from cockpit.services.runbook_run import RunbookSession
from cockpit.services.runbook_steps import (
    command_environment,
    config_secret_names,
    perform_check,
    perform_probe,
    run_command,
)

HOSTILE = (
    "$(touch {marker})",
    "`touch {marker}`",
    "x; touch {marker}",
    "x' ; touch {marker}; echo '",
    'x" ; touch {marker}; echo "',
    'x\\"; touch {marker}; #',
    "a\nb && touch {marker}",
    "$HOME ${{HOME}} * ~ | & > {marker}",
)
TEMPLATES = (
    "printf '%s' {{{{labels.v}}}}",
    "printf '%s' \"{{{{labels.v}}}}\"",
    "printf '%s' '{{{{labels.v}}}}'",
    "printf '%s' \"pre {{{{labels.v}}}} post\"",
    "printf '%s' 'pre {{{{labels.v}}}} post'",
    "printf '%s' pre{{{{labels.v}}}}post",
    "# a comment that isn't quoted\nprintf '%s' {{{{labels.v}}}}",
)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_label_values_are_refused(tmp_path: Path, template: str, hostile: str) -> None:
    marker = tmp_path / "pwned"
    value = hostile.format(marker=marker)
    with pytest.raises(UnsafeValueError, match="label v holds"):
        substitute(template.format(), {"v": value}, mode="shell")


@pytest.mark.parametrize("template", TEMPLATES)
def test_safe_values_go_in_as_they_are(template: str) -> None:
    value = "demo-api.prod:8080/a@b%c+d=e,f_g"
    command = substitute(template.format(), {"v": value}, mode="shell")
    out = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=True)
    expected = template.format().split("\n")[-1].split("'%s' ", 1)[1]
    assert out.stdout == expected.strip("'\"").replace("{{labels.v}}", value)


def test_refusals_name_the_label_and_show_the_character() -> None:
    def refusal(value: str) -> str:
        with pytest.raises(UnsafeValueError) as info:
            substitute("echo {{labels.service}}", {"service": value}, mode="shell")
        return str(info.value)

    assert "label service holds '$' (character 2)" in refusal("x$(id)")
    assert "label service holds \\x1b (character 1)" in refusal("\x1b[8m")
    assert "label service holds \\x00 (character 2)" in refusal("a\x00b")
    assert "label service holds \\n (character 2)" in refusal("a\nb")
    assert "label service holds a space (character 2)" in refusal("a b")
    assert "label service is 100000 characters long" in refusal("a" * 100_000)
    assert "starts with '-'" in refusal("-rf")
    assert substitute("echo `echo {{labels.v}}`", {"v": "demo-api"}, mode="shell") == (
        "echo `echo demo-api`"
    )


def test_the_session_refuses_a_hostile_label(tmp_path: Path) -> None:
    runbook = parse_runbook(
        "# T\n- [ ] Look\n  ```sh\n  echo deploy/{{labels.service}}\n  ```\n", "t.md"
    )
    marker = tmp_path / "pwned"
    labels = {"service": f"$(touch {marker})"}
    session = RunbookSession.start(runbook, Config(path=None), None, labels=labels)
    refusal = session.refusal(runbook.steps[0])
    assert refusal is not None and refusal.startswith("label service holds '$'")
    with pytest.raises(RunError, match="label service holds"):
        session.perform(0, confirmed=True)
    assert not marker.exists()


def test_run_command_streams_lines_and_keeps_output_and_status() -> None:
    seen: list[str] = []
    result = run_command(
        "echo one; echo two >&2; exit 3", env={"PATH": "/usr/bin:/bin"}, on_line=seen.append
    )
    assert seen == ["one", "two"]
    assert result.output == "one\ntwo\n"
    assert (result.outcome, result.exit_status, result.note) == ("failed", 3, "exit status 3")
    ok = run_command("printf 'no newline'", env={})
    assert (ok.outcome, ok.exit_status, ok.output) == ("done", 0, "no newline")


def test_run_command_times_out_and_kills_children(tmp_path: Path) -> None:
    marker = tmp_path / "late"
    result = run_command(
        f"echo started; (sleep 3; touch {marker}) & sleep 30",
        env={"PATH": "/usr/bin:/bin"},
        timeout=timedelta(seconds=0.5),
    )
    assert result.outcome == "failed" and "timed out after 0.5 s" in result.note
    assert result.output == "started\n"
    assert result.exit_status is not None and result.exit_status < 0


def test_command_environment_drops_the_cockpits_secrets() -> None:
    config = Config(
        path=None,
        prometheus=Endpoint(url="http://p", auth=Auth("bearer", "prom_token")),
        alertmanager=Endpoint(url="http://a", headers={"X": SecretRef("AM_KEY", "Bearer ")}),
        probes=(ProbeConfig(name="p", url="http://x", headers={"Y": SecretRef("PROBE_KEY")}),),
    )
    assert config_secret_names(config) == {"prom_token", "AM_KEY", "PROBE_KEY"}
    environ = {
        "PATH": "/bin",
        "HOME": "/home/a",
        "COCKPIT_SECRET_ANYTHING": "s1",
        "COCKPIT_SECRET_PROM_TOKEN": "s2",
        "PROM_TOKEN": "s3",
        "AM_KEY": "s4",
        "PROBE_KEY": "s5",
        "COCKPIT_CONFIG": "/etc/cockpit.toml",
    }
    env = command_environment(environ, config_secret_names(config))
    assert env == {"PATH": "/bin", "HOME": "/home/a", "COCKPIT_CONFIG": "/etc/cockpit.toml"}


def test_session_commands_get_the_stripped_environment() -> None:
    runbook = parse_runbook("# T\n- [ ] Env\n  ```sh\n  env\n  ```\n", "t.md")
    environ = {"PATH": "/usr/bin:/bin", "COCKPIT_SECRET_X": "hunter2", "KEEP": "yes"}
    session = RunbookSession.start(runbook, Config(path=None), None, environ=environ)
    output = session.perform(0, confirmed=True).output or ""
    assert "KEEP=yes" in output and "hunter2" not in output


def test_confirmation_read_only_and_manual_steps() -> None:
    text = "# T\n- [ ] Manual\n- [ ] Cmd\n  ```sh\n  echo {{labels.x}}\n  ```\n"
    runbook = parse_runbook(text, "t.md")
    session = RunbookSession.start(runbook, Config(path=None), None, labels={"x": "1"})
    with pytest.raises(RunError, match="confirm"):
        session.perform(1)
    with pytest.raises(RunError, match="manual step"):
        session.perform(0)
    read_only = RunbookSession.start(runbook, Config(path=None, read_only=True), None)
    assert "read-only" in (read_only.refusal(runbook.steps[1]) or "")
    with pytest.raises(RunError, match="read-only"):
        read_only.perform(1, confirmed=True)
    missing = RunbookSession.start(runbook, Config(path=None), None)
    assert "missing alert label(s): x" in (missing.refusal(runbook.steps[1]) or "")


def test_check_and_probe_without_a_source_say_what_to_do() -> None:
    text = "# T\n- [ ] Q\n  ```promql\n  up\n  ```\n  expect: == 1\n- [ ] P\n  probe: nope\n"
    runbook = parse_runbook(text, "t.md")
    config = Config(path=None, oncall=OnCall(me="bob"))
    check = perform_check(runbook.steps[0], {}, config)
    assert check.outcome == "failed" and "[prometheus]" in check.note
    probe = perform_probe(runbook.steps[1], config)
    assert probe.outcome == "failed" and "no probe named 'nope'" in probe.note
    unreachable = Config(path=None, prometheus=Endpoint(url="http://127.0.0.1:9"))
    failed = perform_check(runbook.steps[0], {}, unreachable)
    assert failed.outcome == "failed" and failed.note.startswith("query failed")


def test_runbook_timeout_from_the_config(tmp_path: Path) -> None:
    import tomllib

    from cockpit.config import ConfigError, parse

    config = parse(tomllib.loads('[runbooks]\ntimeout = "2s"\n'), tmp_path / "c.toml")
    assert config.runbook_timeout == timedelta(seconds=2)
    runbook = parse_runbook("# T\n- [ ] Sleep\n  ```sh\n  sleep 5\n  ```\n", "t.md")
    assert RunbookSession.start(runbook, config, None).timeout == timedelta(seconds=2)
    assert parse({}, tmp_path / "c.toml").runbook_timeout == timedelta(minutes=5)
    with pytest.raises(ConfigError, match=r"runbooks\.timeout: must be longer than zero"):
        parse(tomllib.loads('[runbooks]\ntimeout = "0s"\n'), tmp_path / "c.toml")


def test_an_interrupt_kills_the_command(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    def interrupt(line: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_command(
            f"sleep 60 & echo $! > {pid_file}; echo started; wait",
            env={"PATH": "/usr/bin:/bin"},
            on_line=interrupt,
        )
    stat = Path(f"/proc/{int(pid_file.read_text())}/stat")

    def gone() -> bool:
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"  # dead, not reaped
        except OSError:
            return True

    for _ in range(40):  # SIGKILL is delivered asynchronously
        if gone():
            break
        time.sleep(0.05)
    assert gone(), "the command's child outlived the interrupt"
