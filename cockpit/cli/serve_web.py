"""The web side of `cockpit serve`: textual-serve's server with a door on it.

textual-serve answers any page and any websocket: a page on another site could open the
websocket and type into the cockpit. Here every run has a token (in the URL printed at
start, required on the page and on the websocket), a websocket's ``Origin`` must be the
site the page came from, only ``max_sessions`` cockpits run at once, and the page names
the host the browser used (so ``--host 0.0.0.0`` works from another machine).

Imported only once textual-serve is known to be installed (it pulls aiohttp).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

log = logging.getLogger("cockpit.serve")

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    """True for a bind address only this machine can reach."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """``example:8000`` -> ``example``; ``[::1]:8000`` -> ``::1``."""
    try:
        return (urlsplit(f"//{host_header}").hostname or "").lower()
    except ValueError:  # "[::1": the header is the client's to get wrong
        return ""


class GuardedServer(Server):
    """textual-serve's Server, refusing what has no token, a foreign Origin, or no room."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        token: str,
        max_sessions: int,
        public_url: str | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title="cockpit", public_url=public_url)
        self.token = token
        self.max_sessions = max_sessions
        self.sessions = 0
        self.fixed_url = public_url.rstrip("/") if public_url else None

    def initialize_logging(self) -> None:
        # textual-serve's handler prints tracebacks with locals (the token among them).
        logging.basicConfig(level=logging.WARNING, format="cockpit serve: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the CLI printed the URL to open (textual-serve's names 0.0.0.0)."""

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                # The token rides in the path: the page's script appends "?width=..".
                web.get("/ws/{token}", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )  # no /download: the cockpit delivers no files
        app.on_startup.append(self.on_startup)
        return app

    def token_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def host_ok(self, request: web.Request) -> bool:
        """On a loopback bind, only loopback names (and --public-url's): a rebound DNS name
        is another site."""
        if not is_loopback(self.host):
            return True
        allowed = {n.strip("[]") for n in LOOPBACK_NAMES} | {self.host.strip("[]").lower()}
        if self.fixed_url is not None:
            allowed.add(_host_name(urlsplit(self.fixed_url).netloc))
        return _host_name(request.host) in allowed

    def site_of(self, request: web.Request) -> str:
        """The origin the page was served from: --public-url, else what the browser asked."""
        if self.fixed_url is not None:
            parts = urlsplit(self.fixed_url)
            return f"{parts.scheme}://{parts.netloc}".lower()
        return f"{request.scheme}://{request.host}".lower()

    def origin_ok(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        return origin is not None and origin.rstrip("/").lower() == self.site_of(request)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self.host_ok(request):
            raise web.HTTPForbidden(text="cockpit serve: unknown host name\n")
        if not self.token_ok(request.query.get("token")):
            raise web.HTTPForbidden(
                text="cockpit serve: open the URL `cockpit serve` printed (it has the token)\n"
            )
        site = self.site_of(request)
        websocket = f"{'wss' if site.startswith('https') else 'ws'}:{site.split(':', 1)[1]}"
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{websocket}/ws/{self.token}",
            "config": {"static": {"url": f"{site}/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"  # the token stays here
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.host_ok(request):
            raise web.HTTPForbidden(text="unknown host name\n")
        if not self.token_ok(request.match_info.get("token")):
            raise web.HTTPForbidden(text="no or wrong token\n")
        if not self.origin_ok(request):
            log.warning("refused a websocket from origin %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="origin not allowed\n")
        if self.sessions >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=f"cockpit serve: {self.max_sessions} session(s) already open "
                "(--max-sessions); close one and reload\n"
            )
        self.sessions += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions -= 1
