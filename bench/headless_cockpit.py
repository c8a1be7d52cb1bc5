"""`cockpit` as `cockpit` runs it (same config and notebook), on Textual's headless driver:
for machines without tmux. Prints `frame` once all five panes are laid out."""

from __future__ import annotations

import sys

from cockpit import locations
from cockpit.cli.common import load_config
from cockpit.ui.app import PANES, CockpitApp


class BenchApp(CockpitApp):
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
            sys.stdout.write("frame\n")
            sys.stdout.flush()


def main() -> int:
    config = load_config()
    if config is None:
        return 2
    BenchApp(config, locations.database_file()).run(headless=True, size=(200, 50))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
