"""Tokens and passwords: from ``COCKPIT_SECRET_<NAME>`` or the OS keyring, never the config.

Values never reach a log line or an exception message; only names do.
"""

from __future__ import annotations

import os

SERVICE = "cockpit"
ENV_PREFIX = "COCKPIT_SECRET_"


class SecretError(Exception):
    """A secret could not be read or stored; the message says what to do."""


def env_var(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _no_keyring_message(name: str, action: str) -> str:
    return (
        f"no working OS keyring here, so the secret {name!r} cannot be {action}; "
        f"set the environment variable {env_var(name)} instead"
    )


def _clean(name: str, value: str) -> str:
    """Trim surrounding whitespace (a pasted CRLF) and refuse control characters, which
    would make an HTTP library fail with the header value, and so the secret, in its error."""
    value = value.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise SecretError(f"secret {name!r} contains control characters; set it again")
    return value


def get_secret(name: str) -> str | None:
    """The secret's value, or None if it is set nowhere.

    The env var wins so a CI job or a headless box can run without a keyring.
    """
    from_env = os.environ.get(env_var(name))
    if from_env and from_env.strip():
        return _clean(name, from_env)
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        value: str | None = keyring.get_password(SERVICE, name)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        raise SecretError(f"the keyring refused to read {name!r}: {type(exc).__name__}") from None
    return None if value is None else _clean(name, value)


def require_secret(name: str) -> str:
    value = get_secret(name)
    if value is None:
        raise SecretError(
            f"secret {name!r} is not set: run `cockpit secret set {name}` "
            f"or set the environment variable {env_var(name)}"
        )
    return value


def set_secret(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    value = _clean(name, value)
    if not value:
        raise SecretError(f"empty value for {name!r}; nothing stored")
    try:
        keyring.set_password(SERVICE, name, value)
    except NoKeyringError:
        raise SecretError(_no_keyring_message(name, "stored")) from None
    except KeyringError as exc:
        raise SecretError(f"the keyring refused to store {name!r}: {type(exc).__name__}") from None


def keyring_status() -> tuple[bool, str]:
    """Whether a usable keyring backend exists, and its name or the advice."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    backend = keyring.get_keyring()
    if isinstance(backend, FailKeyring):
        return False, f"no keyring backend; use {ENV_PREFIX}<NAME> environment variables"
    return True, f"{type(backend).__module__}.{type(backend).__name__}"
