"""httpcore's connection pool with its assignment pass rewritten: one request per idle
connection, and no connection a request was promised closed under it (issue 18).

httpcore's pool runs an assignment pass each time a request comes or goes. In 1.0.9
that pass has two faults, both reported upstream (encode/httpcore #1110, #1035):

- It hands one idle connection to every request queued in the same pass. The
  connection stays idle until its request runs, so the others then fail with
  ``ConnectionNotAvailable`` and go round again, each time with another pass. In a
  cycle of 1,000 probes, ten at a time, that was 2.2 retries a request: 4,200 passes
  where 2,000 do.
- Each idle connection counts every connection again (``len`` of a list of all of
  them, where the idle ones were meant): the pass walks the pool once per idle
  connection.

``Pool`` keeps everything else as httpcore has it (closed connections dropped, expired
ones closed, the oldest usable connection first, a new one while there is room, an idle
one closed to make room otherwise). A connection a request in the pool holds (promised
to it, or serving it) is neither handed to another request nor closed to make room;
idle connections beyond ``max_keepalive_connections`` are closed, counted right (the
cockpit's clients leave that limit at ``max_connections``, so this one never acts
there). A connection nobody holds that is neither idle, closed nor expired is closed:
its request was cancelled between the promise and the use (encode/httpcore #1093), and
in httpcore's pool it keeps its place for good, until the pool is full of them.

HTTP/1.1 only: a connection serves one request at a time, which is what "promised"
assumes (HTTP/2 would serve several). The pass overrides httpcore's own, which is not
public API, so ``connection_pool`` uses it only on the httpcore versions it was checked
against (``CHECKED``); on any other the pool is httpcore's own: slower, never wrong.
"""

from __future__ import annotations

from typing import Any

import httpcore

# httpcore releases whose AsyncConnectionPool this pass was read against: its request
# queue (``_requests`` of ``AsyncPoolRequest``), its connection list and its limits.
CHECKED = ("1.0.9",)


class Pool(httpcore.AsyncConnectionPool):
    def __init__(self, **options: Any) -> None:
        if options.get("http2"):
            raise ValueError("Pool is HTTP/1.1 only: a promised connection serves one request")
        super().__init__(**options)

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        held = {r.connection for r in self._requests if r.connection is not None}
        idle: list[httpcore.AsyncConnectionInterface] = []
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.has_expired():  # a held one too: its request goes round again
                self._connections.remove(connection)
                closing.append(connection)
            elif connection in held:
                continue
            elif connection.is_idle():
                idle.append(connection)
            else:
                # Nobody holds it and it is not idle: its request was cancelled after the
                # promise and before the connection was used (encode/httpcore #1093).
                # Nothing will use it again; kept, it would fill a place for good.
                self._connections.remove(connection)
                closing.append(connection)
        for connection in idle[: max(0, len(idle) - self._max_keepalive_connections)]:
            self._connections.remove(connection)  # the oldest surplus first, as httpcore
            closing.append(connection)
        for pool_request in self._requests:
            if not pool_request.is_queued():
                continue
            origin = pool_request.request.url.origin
            chosen = next(
                (
                    c
                    for c in self._connections
                    if c not in held and c.can_handle_request(origin) and c.is_available()
                ),
                None,
            )
            if chosen is None:
                if len(self._connections) >= self._max_connections:
                    spare = next(
                        (c for c in self._connections if c not in held and c.is_idle()), None
                    )
                    if spare is None:
                        continue  # stays queued until a connection comes free
                    self._connections.remove(spare)
                    closing.append(spare)
                chosen = self.create_connection(origin)
                self._connections.append(chosen)
            pool_request.assign_to_connection(chosen)
            held.add(chosen)
        return closing


def connection_pool(**options: Any) -> httpcore.AsyncConnectionPool:
    """``Pool`` on a checked httpcore, httpcore's own pool on any other."""
    if httpcore.__version__ in CHECKED:
        return Pool(**options)
    return httpcore.AsyncConnectionPool(**options)
