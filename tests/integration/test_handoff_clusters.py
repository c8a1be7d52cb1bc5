"""The handoff's live alerts with several Alertmanager clusters (issue 20), one of them
down: the alerts of the one that answers are known, each with its cluster, and the digest
says whose are missing instead of passing them over in silence."""

from __future__ import annotations

from dataclasses import replace

from cockpit.config import load
from cockpit.config_types import Endpoint
from cockpit.demo.stack import DemoStack, free_port
from cockpit.services.handoff_live import fetch_live_blocking


def test_a_cluster_that_does_not_answer_is_named_missing(stack: DemoStack) -> None:
    assert stack.config_path is not None and stack.alertmanager_url is not None
    config = load(stack.config_path)
    assert config.alertmanager is not None
    eu = replace(config.alertmanager, name="eu")
    us = Endpoint(f"http://127.0.0.1:{free_port()}", name="us")  # nothing listens there
    config = replace(config, alertmanagers=(eu, us), alertmanager=None)
    live = fetch_live_blocking(config)
    assert live.alerts is not None
    assert all(a.cluster == "eu" for a in live.alerts if a.state != "pending")
    assert live.alerts_problem is not None
    assert live.alerts_problem.startswith("Alertmanager us: ")
    assert live.alerts_problem.endswith("(its alerts are missing)")
