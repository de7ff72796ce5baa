"""The built-in tools, registered through the same plugin path as every other plugin."""

from ..tools.editor import builtin_tools

PLUGIN_ID = "builtin"
NAME = "Built-in tools"
VERSION = "1"
API_VERSION = 1


def register(api) -> None:
    for factory in builtin_tools():
        api.tool(factory)
