from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from cockpit.services import notify
from cockpit.services.notify import Notification


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    notify.unsubscribe_all()
    yield
    notify.unsubscribe_all()
    notify.on_error = notify._ignore


def _note() -> Notification:
    return Notification("incident_created", "INC-1", "t", datetime(2026, 1, 1, tzinfo=UTC))


def test_every_sink_gets_it_even_after_one_fails() -> None:
    got: list[str] = []
    errors: list[str] = []

    def broken(n: Notification) -> None:
        raise RuntimeError("down")

    notify.on_error = lambda name, exc: errors.append(f"{name}: {exc}")
    notify.subscribe("broken", broken)
    notify.subscribe("ok", lambda n: got.append(n.subject))
    notify.publish(_note())
    assert got == ["INC-1"]
    assert errors == ["broken: down"]


def test_unknown_kind_refused() -> None:
    with pytest.raises(ValueError, match="unknown notification kind"):
        Notification("incident_exploded", "INC-1", "t", datetime(2026, 1, 1, tzinfo=UTC))
