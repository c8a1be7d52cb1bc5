"""cockpit.secrets and `cockpit secret`: env var over keyring, values never printed."""

from __future__ import annotations

import io
import sys

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from cockpit.cli import main
from cockpit.secrets import (
    SERVICE,
    SecretError,
    env_var,
    get_secret,
    keyring_status,
    require_secret,
    set_secret,
)
from tests.conftest import MemoryKeyring


@pytest.fixture
def fail_backend() -> FailKeyring:
    backend = FailKeyring()
    keyring.set_keyring(backend)  # the autouse fixture restores the previous one
    return backend


def test_env_var_name() -> None:
    assert env_var("PROM_TOKEN") == "COCKPIT_SECRET_PROM_TOKEN"
    assert env_var("prom_token") == "COCKPIT_SECRET_PROM_TOKEN"


def test_env_var_wins_over_keyring(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated.values[(SERVICE, "PROM_TOKEN")] = "from-keyring"
    monkeypatch.setenv("COCKPIT_SECRET_PROM_TOKEN", "from-env")
    assert get_secret("PROM_TOKEN") == "from-env"
    assert require_secret("PROM_TOKEN") == "from-env"


def test_keyring_used_when_no_env_var(isolated: MemoryKeyring) -> None:
    isolated.values[(SERVICE, "PROM_TOKEN")] = "from-keyring"
    assert get_secret("PROM_TOKEN") == "from-keyring"
    assert require_secret("PROM_TOKEN") == "from-keyring"


def test_empty_env_var_falls_back_to_keyring(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated.values[(SERVICE, "PROM_TOKEN")] = "from-keyring"
    monkeypatch.setenv("COCKPIT_SECRET_PROM_TOKEN", "")
    assert get_secret("PROM_TOKEN") == "from-keyring"


def test_unset_secret_is_none() -> None:
    assert get_secret("NOWHERE") is None


def test_set_secret_stores_under_the_cockpit_service(isolated: MemoryKeyring) -> None:
    set_secret("AM_PASSWORD", "pa55")
    assert isolated.values == {(SERVICE, "AM_PASSWORD"): "pa55"}
    assert SERVICE == "cockpit"
    assert get_secret("AM_PASSWORD") == "pa55"


def test_require_secret_message_names_the_command_and_env_var() -> None:
    with pytest.raises(SecretError) as info:
        require_secret("PROM_TOKEN")
    message = str(info.value)
    assert "`cockpit secret set PROM_TOKEN`" in message
    assert "COCKPIT_SECRET_PROM_TOKEN" in message


def test_secret_error_never_contains_the_value(fail_backend: FailKeyring) -> None:
    with pytest.raises(SecretError) as info:
        set_secret("PROM_TOKEN", "hunter2-value")
    assert "hunter2-value" not in str(info.value)
    assert info.value.__cause__ is None  # `from None`: the keyring error is not chained


def test_fail_backend_get_returns_none(fail_backend: FailKeyring) -> None:
    assert get_secret("PROM_TOKEN") is None


def test_fail_backend_env_var_still_works(
    fail_backend: FailKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_PROM_TOKEN", "from-env")
    assert get_secret("PROM_TOKEN") == "from-env"


def test_fail_backend_set_raises_with_env_var_advice(fail_backend: FailKeyring) -> None:
    with pytest.raises(SecretError) as info:
        set_secret("PROM_TOKEN", "v")
    message = str(info.value)
    assert "no working OS keyring" in message
    assert "cannot be stored" in message
    assert "set the environment variable COCKPIT_SECRET_PROM_TOKEN instead" in message


def test_keyring_status_usable_with_a_real_backend() -> None:
    assert keyring_status() == (True, "tests.conftest.MemoryKeyring")


def test_keyring_status_unusable_with_fail_backend(fail_backend: FailKeyring) -> None:
    usable, advice = keyring_status()
    assert usable is False
    assert advice == "no keyring backend; use COCKPIT_SECRET_<NAME> environment variables"


# --- the CLI ------------------------------------------------------------------------------


def test_cli_secret_set_then_status(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["secret", "set", "API_TOKEN"]) == 0
    assert isolated.values == {(SERVICE, "API_TOKEN"): "s3cret"}  # newline stripped
    out = capsys.readouterr()
    assert out.out == "stored API_TOKEN in the OS keyring\n"
    assert main(["secret", "status", "API_TOKEN"]) == 0
    status = capsys.readouterr()
    assert status.out == "API_TOKEN: set\n"
    for text in (out.out, out.err, status.out, status.err):
        assert "s3cret" not in text


def test_cli_secret_status_unset_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secret", "status", "API_TOKEN"]) == 1
    out = capsys.readouterr().out
    assert out == "API_TOKEN: not set (keyring or COCKPIT_SECRET_API_TOKEN)\n"


def test_cli_secret_status_sees_env_var(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COCKPIT_SECRET_API_TOKEN", "env-s3cret")
    assert main(["secret", "status", "API_TOKEN"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "API_TOKEN: set\n"
    assert "env-s3cret" not in captured.out + captured.err


def test_cli_secret_set_empty_value_stores_nothing(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    assert main(["secret", "set", "API_TOKEN"]) == 2
    assert isolated.values == {}
    assert "empty value; nothing stored" in capsys.readouterr().err


def test_cli_secret_bad_name(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["secret", "set", "api-token"]) == 2
    assert isolated.values == {}
    assert "'api-token' is not a secret name" in capsys.readouterr().err


def test_cli_secret_set_with_fail_backend(
    fail_backend: FailKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["secret", "set", "API_TOKEN"]) == 1
    captured = capsys.readouterr()
    assert "COCKPIT_SECRET_API_TOKEN" in captured.err
    assert "s3cret" not in captured.out + captured.err


def test_pasted_crlf_is_trimmed_and_control_characters_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cockpit.secrets import SecretError, get_secret, set_secret

    set_secret("PASTED", "abc\r\n")
    assert get_secret("PASTED") == "abc"
    monkeypatch.setenv("COCKPIT_SECRET_BROKEN", "ab\x07c")
    with pytest.raises(SecretError, match="control characters") as info:
        get_secret("BROKEN")
    assert "ab\x07c" not in str(info.value)
