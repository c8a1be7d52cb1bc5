"""The command line: ``cockpit`` and its subcommands, one module per command group.

``main`` (the console script, and ``python -m cockpit``) parses and dispatches
(``cli/main.py``; `cockpit alerts` skips the other command groups, ``cli/lean.py``);
the command groups import only ``cli/common.py`` and ``cli/output.py``
of this package, never ``cli/main.py``, so the package has no import cycle.
"""

from __future__ import annotations

from cockpit.cli.main import main

__all__ = ["main"]
