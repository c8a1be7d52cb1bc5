"""`cockpit plugins list`, and plugin start-up for CLI commands that need them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cockpit.cli.common import load_config
from cockpit.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from cockpit.config import Config
    from cockpit.plugins.host import PluginHost
    from cockpit.services.notify import Notification


def add_parsers(sub: Any) -> None:
    parser = sub.add_parser("plugins", help="installed plugins and their state")
    plugins_sub = parser.add_subparsers(dest="plugins_command", required=True)
    listing = plugins_sub.add_parser(
        "list", help="every installed plugin; exit 1 if an enabled one cannot load"
    )
    listing.add_argument("--json", action="store_true")


def start(config: Config) -> PluginHost:
    """Load the enabled plugins; problems go to stderr and the command goes on."""
    from cockpit.plugins.host import PluginHost

    host = PluginHost(lambda text: print(text, file=sys.stderr))
    for message in host.load(config):
        print(message, file=sys.stderr)
    return host


class LazyNotifiers:
    """A notify sink for CLI commands: the first notification a command publishes loads
    the enabled plugins (and hands it to them); commands that publish nothing load none.
    ``close`` waits (bounded) for deliveries before the process ends."""

    NAME = "cli-plugin-loader"

    def __init__(self) -> None:
        self.host: PluginHost | None = None

    def __call__(self, notification: Notification) -> None:
        if self.host is not None:
            return  # the loaded notifiers are subscribed themselves
        from cockpit.plugins.host import PluginHost

        config = load_config(say=False)
        if config is None:
            self.host = PluginHost()  # the command itself reports a broken config
            return
        self.host = start(config)
        self.host.dispatch(notification)

    def close(self) -> None:
        from cockpit.services import notify

        notify.unsubscribe(self.NAME)
        if self.host is not None:
            self.host.close(timeout=30.0)


def lazy_notifiers() -> LazyNotifiers:
    from cockpit.services import notify

    loader = LazyNotifiers()
    notify.subscribe(LazyNotifiers.NAME, loader)
    return loader


def plugins_command(args: argparse.Namespace) -> int:
    from cockpit.plugins.host import ENABLED, NOT_ENABLED, PluginHost

    config = load_config(advice=False)
    if config is None:
        return EXIT_USAGE
    host = PluginHost()
    host.load(config)  # imports only the enabled ones, to tell whether they work
    host.close(timeout=0)
    statuses = sorted(host.statuses.values(), key=lambda s: s.name)
    if args.json:
        print(json.dumps([s.__dict__ for s in statuses], indent=2))
    elif not statuses:
        print("no plugins installed; see plugins/ in the cockpit's repository")
    else:
        width = max(len(s.name) for s in statuses)
        for s in statuses:
            where = f"{s.distribution} {s.version}".strip()
            line = f"{s.name:<{width}}  {s.state:<13}  {s.kind:<12}  {where:<24}  {s.detail}"
            print(line.rstrip())
    wanted = {name for name, settings in config.plugins.items() if settings.enabled}
    broken = [s for s in statuses if s.name in wanted and s.state not in (ENABLED, NOT_ENABLED)]
    return EXIT_FAILED if broken else EXIT_OK
