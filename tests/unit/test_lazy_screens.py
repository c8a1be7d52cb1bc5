"""`import cockpit.ui.app` leaves the dialogs the first frame does not show unimported:
each is imported when first opened (issue 18: the import against `textual.app`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cockpit

ROOT = Path(cockpit.__file__).resolve().parent.parent
OPENED_LATER = (
    "cockpit.ui.screens.alert_detail",
    "cockpit.ui.screens.confirm",
    "cockpit.ui.screens.incident_editors",
    "cockpit.ui.screens.incident_form",
    "cockpit.ui.screens.moment",
    "cockpit.ui.screens.fault",
    "cockpit.ui.screens.handoff",
    "cockpit.ui.screens.help",
    "cockpit.ui.screens.incident_list",
    "cockpit.ui.screens.probe_detail",
    "cockpit.ui.screens.review",
    "cockpit.ui.screens.runbook_open",
    "cockpit.ui.screens.silence_form",
    "cockpit.ui.screens.silences",
    "cockpit.ui.screens.slo_detail",
    "cockpit.services.handoff_live",
    "cockpit.services.past_view",  # time travel's reads: at the first step into the past
    "cockpit.services.promote",
    # Runbook Markdown: at the first runbook parsed (the catalog, as the app mounts).
    "markdown_it",
    # The text editor widget: in the dialogs that edit text.
    "textual.widgets._text_area",
    "cockpit.services.slo_history",
    # The connection pool and httpcore under it: at the first request, as httpx does.
    "cockpit.sources.wire",
    "httpcore",
)
CHECK = (
    "import sys, cockpit.ui.app\nprint(sorted(m for m in sys.modules if m in set(sys.argv[1:])))"
)


def test_the_app_module_imports_no_dialog_screen() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, *OPENED_LATER],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "[]"
