"""cockpit: the on-call engineer's one screen."""

from __future__ import annotations

__version__ = "0.1.0"
