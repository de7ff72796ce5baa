"""Tool API, ToolRegistry, the built-in tools, and the window-independent Editor core.

Public API (used by the app and by plugins): `Tool`, `ToolRegistry`, the message and intent
types in `api`, `Editor`, `default_registry`, and `testing.TestEditor` for windowless tests.
"""

from .api import Tool, ToolRegistry, ToolSettings  # noqa: F401
from .editor import Editor, builtin_tools, default_registry  # noqa: F401
from .view import View  # noqa: F401
