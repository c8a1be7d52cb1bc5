"""The real stack: demo service, Prometheus and Alertmanager on random loopback ports.

It is the same code as `cockpit demo --no-ui`. Without the binaries the tests skip,
unless COCKPIT_REQUIRE_REAL_STACK=1 (CI), where a missing binary fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest

from cockpit.demo.stack import INSTALL_HINT, DemoStack, find_binary

from .clusters import AlertmanagerRig, PrometheusRig, amtool_binary
from .fault_story import FaultStory
from .waiting import LIVE, poll_until

T = TypeVar("T")
REQUIRE = os.environ.get("COCKPIT_REQUIRE_REAL_STACK") == "1"


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = LIVE) -> T:
    """Poll until ``probe`` returns something truthy; fail naming ``what``."""
    try:
        return poll_until(what, probe, timeout)
    except TimeoutError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def stack() -> Iterator[DemoStack]:
    missing = [p for p in ("prometheus", "alertmanager") if find_binary(p) is None]
    if missing:
        message = f"{' and '.join(missing)} not installed ({INSTALL_HINT})"
        if REQUIRE:
            pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {message}")
        pytest.skip(message)
    with DemoStack() as running:
        assert running.prometheus_url is not None

        def has_data() -> bool:
            # Readiness comes in ~60 ms, the first scrape ~5 s later: wait for data.
            try:
                body = httpx.get(
                    f"{running.prometheus_url}/api/v1/query",
                    params={"query": 'sum(http_requests_total{service="demo-api"})'},
                    timeout=2,
                ).json()
            except (httpx.HTTPError, ValueError):
                return False
            return bool(body.get("data", {}).get("result"))

        wait_for("the first scrape of the demo service", has_data)
        yield running


@pytest.fixture
def faults(stack: DemoStack) -> Iterator[Callable[..., str]]:
    """Set demo faults for one test; they are reset afterwards."""
    from cockpit.demo.control import apply_faults

    def set_faults(*items: str) -> str:
        return apply_faults(stack.service_url, list(items))

    yield set_faults
    apply_faults(stack.service_url, ["reset"])


# The time-travel test's fault story (tests/integration/fault_story.py) starts as soon as
# collection holds that test, so its three minutes pass while the other tests run.
_STORY: list[FaultStory] = []


def _binaries() -> bool:
    return bool(find_binary("prometheus") and find_binary("alertmanager"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = any("test_time_travel.py" in item.nodeid for item in items)
    if wanted and _binaries() and not _STORY:
        _STORY.append(FaultStory().start())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for story in _STORY:
        story.stop()


@pytest.fixture
def fault_story() -> FaultStory:
    """The fault story, told to its end (started at collection; waited for here)."""
    if not _binaries():
        missing = "prometheus / alertmanager not installed"
        if REQUIRE:
            pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {missing}")
        pytest.skip(missing)
    if not _STORY:
        _STORY.append(FaultStory().start())
    story = _STORY[0]
    assert story.done.wait(timeout=400), "the fault story did not end"
    if story.error is not None:
        raise story.error
    return story


def need(what: str, path: str | None) -> str:
    """The binary's path; a skip without it (a failure under COCKPIT_REQUIRE_REAL_STACK=1)."""
    if path is None:
        message = f"{what} not installed ({INSTALL_HINT})"
        if REQUIRE:
            pytest.fail(f"COCKPIT_REQUIRE_REAL_STACK=1 but {message}")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def _am_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AlertmanagerRig]:
    binary = need("alertmanager", find_binary("alertmanager"))
    amtool = need("amtool", amtool_binary())
    rig = AlertmanagerRig(binary, tmp_path_factory.mktemp("am-clusters"), amtool)
    try:
        rig.start_all()
        wait_for("the Alertmanager pair to form a cluster", rig.clusters_formed, timeout=30)
        yield rig
    finally:
        rig.close()


@pytest.fixture
def am_clusters(_am_rig: AlertmanagerRig) -> Iterator[AlertmanagerRig]:
    """Issue 20's Alertmanagers: the HA pair eu-1/eu-2 and data on its own (tests/integration/
    clusters.py). A test may stop any of them: it is started again afterwards, and every
    silence the test left is expired."""
    yield _am_rig
    if _am_rig.restore():
        wait_for("the Alertmanager pair to form again", _am_rig.clusters_formed, timeout=30)
    _am_rig.expire_silences()


@pytest.fixture(scope="session")
def _prometheus_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusRig]:
    binary = need("prometheus", find_binary("prometheus"))
    rig = PrometheusRig(binary, tmp_path_factory.mktemp("two-prometheus"))
    try:
        rig.start_all()
        try:
            rig.wait_for_rates()
        except TimeoutError as exc:
            pytest.fail(str(exc))
        yield rig
    finally:
        rig.close()


@pytest.fixture
def two_prometheus(_prometheus_rig: PrometheusRig) -> Iterator[PrometheusRig]:
    """Issue 20's two Prometheus servers a and b, each with its own series (job="a" / "b")
    and a rate on them; a server a test stops is started again afterwards."""
    yield _prometheus_rig
    _prometheus_rig.restore()
