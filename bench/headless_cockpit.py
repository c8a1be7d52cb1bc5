"""`cockpit` as `cockpit` runs it (same config and notebook), on Textual's headless driver:
for machines without tmux. Prints `frame` once all five panes are laid out."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cockpit.ui.app
from cockpit import locations
from cockpit.cli.common import load_config
from cockpit.ui.app import PANES, CockpitApp


class BenchApp(CockpitApp):
    # Textual reads a relative CSS_PATH next to the subclass's module: name the real one.
    CSS_PATH = str(Path(cockpit.ui.app.__file__).parent / str(CockpitApp.CSS_PATH))

    def on_mount(self) -> None:
        super().on_mount()
        self._said = False
        self._watch = self.set_interval(0.01, self._frame)

    def _frame(self) -> None:
        if self._said:
            return
        if all(self.pane(name).region.area for name in PANES):
            self._said = True
            self._watch.stop()
            # Straight to the file descriptor: Textual holds sys.stdout while it runs.
            os.write(1, b"frame\n")


def main() -> int:
    config = load_config()
    if config is None:
        return 2
    app = BenchApp(config, locations.database_file())
    app.run(headless=True, size=(200, 50))
    if app.crash_line:
        print(app.crash_line, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
