"""The plugin contract: what a cockpit plugin is and how it is found, loaded and run.

A plugin is a class registered under the ``cockpit.plugins`` entry point group and
deriving from one of the bases below. See docs/plugins.md, "Writing a plugin".
"""

from cockpit.plugins.contract import (
    GROUP,
    AlertSource,
    Notifier,
    Plugin,
    PluginError,
    ProbeKind,
)
from cockpit.plugins.http import get_json, post_json, tls_context, tls_option

__all__ = [
    "GROUP", "AlertSource", "Notifier", "Plugin", "PluginError", "ProbeKind",
    "get_json", "post_json", "tls_context", "tls_option",
]  # fmt: skip
