"""Find, load and run plugins.

Discovery reads the ``cockpit.plugins`` entry points from the installed distributions'
metadata and imports nothing. Loading imports and builds only the plugins the config
enables. A plugin that fails to import, is not a known kind, or raises while it is
built or run is disabled with a message; the cockpit keeps running either way.

Hooks: notifiers subscribe to ``cockpit.services.notify`` (each delivers in its own
worker thread, in order); probe kinds register their scheme in
``cockpit.sources.probes.PROBE_KINDS``; alert sources register in
``cockpit.services.alert_poll.ALERT_SOURCES``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import EntryPoint, entry_points

from cockpit.config import Config, PluginSettings, ProbeConfig
from cockpit.model.alerts import Alert
from cockpit.model.conditions import Condition, parse_condition
from cockpit.model.probes import ProbeResult
from cockpit.plugins.contract import GROUP, AlertSource, Notifier, Plugin, PluginError, ProbeKind
from cockpit.services import alert_poll, notify
from cockpit.services.notify import Notification
from cockpit.sources import probes as probe_source

# States a plugin can be in, as `cockpit plugins list` shows them.
NOT_ENABLED = "not enabled"
ENABLED = "enabled"
FAILED = "failed"
NOT_INSTALLED = "not installed"

Report = Callable[[str], None]


@dataclass(frozen=True)
class PluginInfo:
    """An installed plugin as its distribution's metadata describes it (nothing imported)."""

    name: str
    target: str  # "module:Class"
    distribution: str
    version: str


@dataclass(frozen=True)
class PluginStatus:
    name: str
    state: str  # NOT_ENABLED, ENABLED, FAILED, NOT_INSTALLED
    kind: str = ""  # notifier, alert source, probe kind (known once loaded)
    detail: str = ""
    distribution: str = ""
    version: str = ""


def _info(entry: EntryPoint) -> PluginInfo:
    dist = entry.dist
    return PluginInfo(
        name=entry.name,
        target=entry.value,
        distribution=dist.name if dist is not None else "",
        version=dist.version if dist is not None else "",
    )


def discover() -> dict[str, PluginInfo]:
    """Every installed plugin by name, read from metadata only (no plugin is imported).

    When two distributions register one name, the first on sys.path wins (as in _entry).
    """
    found: dict[str, PluginInfo] = {}
    for entry in entry_points(group=GROUP):
        found.setdefault(entry.name, _info(entry))
    return found


def _entry(name: str) -> EntryPoint | None:
    return next((e for e in entry_points(group=GROUP) if e.name == name), None)


def kind_of(plugin: Plugin | type[Plugin]) -> str:
    cls = plugin if isinstance(plugin, type) else type(plugin)
    for base, label in ((Notifier, "notifier"), (AlertSource, "alert source"),
                        (ProbeKind, "probe kind")):  # fmt: skip
        if issubclass(cls, base):
            return label
    return ""


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def build(name: str, settings: PluginSettings) -> Plugin:
    """Import and build one plugin; raises PluginError saying what went wrong."""
    entry = _entry(name)
    if entry is None:
        raise PluginError(f"not installed (no {GROUP} entry point named {name!r})")
    try:
        cls = entry.load()
    except Exception as exc:
        raise PluginError(f"failed to import {entry.value}: {_describe(exc)}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Plugin) and kind_of(cls)):
        raise PluginError(f"{entry.value} is not a Notifier, AlertSource or ProbeKind subclass")
    if issubclass(cls, ProbeKind) and not name.isidentifier():
        raise PluginError(f"a probe kind's entry point name is its URL scheme; {name!r} is not")
    try:
        return cls(settings.options)
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"raised while starting: {_describe(exc)}") from exc


class PluginHost:
    """The enabled plugins of one cockpit (or one CLI command), wired into the hooks."""

    def __init__(self, report: Report | None = None) -> None:
        self.report: Report = report or (lambda text: None)
        self.plugins: dict[str, Plugin] = {}
        self.statuses: dict[str, PluginStatus] = {}
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self._pending: list[Future[None]] = []
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------
    def load(self, config: Config) -> list[str]:
        """Load every enabled plugin; returns one message per plugin that could not load."""
        installed = discover()
        messages: list[str] = []
        for name, info in installed.items():
            settings = config.plugins.get(name, PluginSettings())
            if not settings.enabled:
                self.statuses[name] = PluginStatus(
                    name, NOT_ENABLED, detail=f"enable with [plugins.{name}] enabled = true",
                    distribution=info.distribution, version=info.version,
                )  # fmt: skip
                continue
            try:
                plugin = build(name, settings)
            except PluginError as exc:
                self.statuses[name] = PluginStatus(
                    name, FAILED, detail=str(exc), distribution=info.distribution,
                    version=info.version,
                )  # fmt: skip
                messages.append(f"Plugin {name} disabled: {exc}")
                continue
            self.plugins[name] = plugin
            self.statuses[name] = PluginStatus(
                name, ENABLED, kind_of(plugin), plugin.description, info.distribution,
                info.version,
            )  # fmt: skip
            self._wire(name, plugin)
        for name, settings in config.plugins.items():
            if name not in installed:
                detail = f"[plugins.{name}] is in the config but no such plugin is installed"
                self.statuses[name] = PluginStatus(name, NOT_INSTALLED, detail=detail)
                if settings.enabled:
                    messages.append(f"Plugin {name}: {detail}")
        return messages

    def _wire(self, name: str, plugin: Plugin) -> None:
        if isinstance(plugin, Notifier):
            self._executors[name] = ThreadPoolExecutor(1, thread_name_prefix=f"plugin-{name}")
            notify.subscribe(f"plugin:{name}", lambda n: self._queue(name, plugin, n))
        elif isinstance(plugin, ProbeKind):
            probe_source.PROBE_KINDS[name] = self._probe_runner(name, plugin)
        elif isinstance(plugin, AlertSource):
            alert_poll.ALERT_SOURCES[name] = lambda: self._fetch(name, plugin)

    def disable(self, name: str, why: str) -> None:
        """Take a misbehaving plugin out of service, once, and say so."""
        with self._lock:
            status = self.statuses.get(name)
            if name not in self.plugins or status is None or status.state != ENABLED:
                return
            self.statuses[name] = replace(status, state=FAILED, detail=why)
        plugin = self.plugins.pop(name)
        notify.unsubscribe(f"plugin:{name}")
        probe_source.PROBE_KINDS.pop(name, None)
        alert_poll.ALERT_SOURCES.pop(name, None)
        with contextlib.suppress(Exception):  # a broken plugin may fail to close too
            plugin.close()
        self.report(f"Plugin {name} disabled: {why}")

    def enabled(self, name: str) -> bool:
        status = self.statuses.get(name)
        return status is not None and status.state == ENABLED

    # -- running -------------------------------------------------------------
    def dispatch(self, notification: Notification) -> None:
        """Hand one notification to every enabled notifier (what subscribing does)."""
        for name, plugin in list(self.plugins.items()):
            if isinstance(plugin, Notifier):
                self._queue(name, plugin, notification)

    def _queue(self, name: str, plugin: Notifier, notification: Notification) -> None:
        if not self.enabled(name) or notification.kind not in plugin.kinds:
            return
        future = self._executors[name].submit(self._deliver, name, plugin, notification)
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(future)

    def _deliver(self, name: str, plugin: Notifier, notification: Notification) -> None:
        if not self.enabled(name):
            return
        try:
            plugin.deliver(notification)
        except PluginError as exc:
            self.report(f"Plugin {name} could not deliver {notification.kind}: {exc}")
        except Exception as exc:
            self.disable(name, f"raised while delivering: {_describe(exc)}")

    def _probe_runner(self, name: str, plugin: ProbeKind) -> probe_source.ProbeRunner:
        defaults = tuple(parse_condition(text) for text in plugin.default_conditions)

        async def run(probe: ProbeConfig, conditions: Sequence[Condition]) -> ProbeResult:
            now = datetime.now(UTC)
            if not self.enabled(name):
                reason = f"plugin {name} is disabled; see `cockpit plugins list`"
                return ProbeResult(probe.name, False, now, reason=reason, category="plugin")
            try:
                return await plugin.run(probe, conditions or defaults)
            except PluginError as exc:
                return ProbeResult(probe.name, False, now, reason=str(exc), category="plugin")
            except Exception as exc:
                why = f"raised while probing: {_describe(exc)}"
                self.disable(name, why)
                return ProbeResult(probe.name, False, now, reason=why, category="plugin")

        return run

    def _fetch(self, name: str, plugin: AlertSource) -> Sequence[Alert]:
        if not self.enabled(name):
            raise PluginError("disabled")
        try:
            return plugin.fetch()
        except PluginError:
            raise
        except Exception as exc:
            why = f"raised while fetching: {_describe(exc)}"
            self.disable(name, why)
            raise PluginError(why) from exc

    # -- stopping --------------------------------------------------------------
    def flush(self, timeout: float = 30.0) -> bool:
        """Wait for queued deliveries; True when all have finished."""
        with self._lock:
            pending = list(self._pending)
        _, not_done = wait(pending, timeout=timeout)
        return not not_done

    def close(self, timeout: float = 10.0) -> None:
        """Finish queued deliveries (bounded), unhook everything, close the plugins."""
        if not self.flush(timeout):
            self.report(f"notifications still being delivered after {timeout:g} s: abandoned")
        for name, plugin in list(self.plugins.items()):
            notify.unsubscribe(f"plugin:{name}")
            probe_source.PROBE_KINDS.pop(name, None)
            alert_poll.ALERT_SOURCES.pop(name, None)
            with contextlib.suppress(Exception):
                plugin.close()
        for executor in self._executors.values():
            executor.shutdown(wait=False, cancel_futures=True)
        self.plugins.clear()
