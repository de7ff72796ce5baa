"""Plugin discovery and hosting. The API plugins use is `wiretuner_gl.plugin_api`.

    host = PluginHost.start()            # built-in tools, entry points, plugins/, user folder
    editor = Editor(session, host.registry)
    host.attach(editor)

Tool authors test their tools with the fixtures of `wiretuner_gl.plugins.pytest_plugin`
(installed as a pytest plugin: `plugin_editor`, `load_plugin`).
"""

from .discovery import Candidate, app_plugin_dir, user_plugin_dirs  # noqa: F401
from .host import DEFAULT_BUDGET_MS, GuardedTool, PluginHost, PluginRecord  # noqa: F401
