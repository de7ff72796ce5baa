"""pytest fixtures for plugin authors (registered as the `wiretuner_gl` pytest11 plugin, so they
are available in any project that has wiretuner-gl installed):

    def test_my_tool_draws_a_path(plugin_editor):
        ed = plugin_editor("plugins/my_tool.py")      # a windowless editor with the plugin loaded
        ed.use("my_tool").drag(100, 100, 300, 200)
        assert len(ed.paths()) == 1
        ed.undo()                                     # one plugin action is one undo step
        assert ed.paths() == []

`plugin_editor(*plugins, artboard=(800, 600))` takes plugin files, folders, modules or module
names; the editor's `plugin_host` lists them (`ed.plugin_host.plugins[id].state/.error`) and
runs their commands (`ed.run_command("array.repeat")`). `load_plugin(target)` loads one more
plugin into the same host and returns its record (state "enabled", or why it is not).
"""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path
from types import ModuleType

import pytest


def _candidate(target):
    from wiretuner_gl.plugins import discovery

    if isinstance(target, ModuleType):
        return discovery.Candidate(getattr(target, "__file__", target.__name__) or target.__name__,
                                   target.__name__.rpartition(".")[2], lambda: target)
    p = Path(target)
    if p.suffix == ".py" or p.is_dir():
        found = discovery.from_folder(p.parent) if p.suffix == ".py" or (p / "__init__.py").exists() else []
        for c in found:
            if Path(c.source) == p:
                return c
        if p.is_dir():
            raise FileNotFoundError(f"{p}: not a plugin package (no __init__.py)")
        raise FileNotFoundError(f"{p}: no such plugin file")
    name = str(target)
    return discovery.Candidate(name, name.rpartition(".")[2], lambda: importlib.import_module(name))


@pytest.fixture
def plugin_host():
    """A PluginHost holding the built-in tools only (no entry points or plugin folders)."""
    from wiretuner_gl.plugins import PluginHost, discovery

    host = PluginHost()
    host.load_all(discovery.builtin())
    return host


@pytest.fixture
def load_plugin(plugin_host):
    def load(target):
        return plugin_host.load(_candidate(target))

    return load


@pytest.fixture
def plugin_editor(tmp_path, plugin_host, load_plugin):
    from wiretuner_gl.tools.testing import TestEditor

    made = []
    counter = itertools.count(1)

    def make(*plugins, artboard=(800.0, 600.0), strict: bool = True):
        for target in plugins:
            rec = load_plugin(target)
            if strict and not rec.enabled:
                pytest.fail(f"plugin {target} did not load: {rec.state}: {rec.error}")
        ed = TestEditor.new(tmp_path / f"plugin_test_{next(counter)}.wiretuner", artboard=artboard,
                            registry=plugin_host.registry)
        plugin_host.attach(ed)
        ed.plugin_host = plugin_host
        ed.run_command = lambda name: plugin_host.run_command(plugin_host.command(name))
        made.append(ed)
        return ed

    yield make
    for ed in made:
        ed.close()
