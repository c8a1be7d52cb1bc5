"""Exit codes of every command, for deploy pipelines and scripts to gate on."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check failed (doctor found a problem, a secret is not set)
EXIT_USAGE = 2  # bad input: usage, config problems, a refused fault
EXIT_STACK = 3  # the demo stack could not start
EXIT_PARTIAL = 4  # an answer with a part unknown (`alerts`: Prometheus' pending alerts)
