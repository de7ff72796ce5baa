"""Plugin discovery and the host: broken plugins are disabled and reported, never fatal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wiretuner_gl.plugins import PluginHost, discovery

REPO = Path(__file__).resolve().parents[2]

GOOD = '''
from wiretuner_gl import plugin_api as W
from wiretuner_gl.plugin_api import events as T, nodes as N

PLUGIN_ID = "{pid}"
NAME = "{pid} plugin"
API_VERSION = 1

class DotTool(W.Tool):
    NAME = "{pid}_tool"
    def transition(self, state, msg, ctx):
        {body}
        return state, []
    def overlay(self, state, ctx):
        {overlay}
        return []

def register(api):
    {register}
    api.tool(DotTool)
'''


def write_plugin(folder: Path, pid: str, *, body="pass", overlay="pass", register="pass", extra="") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{pid}.py"
    p.write_text(GOOD.format(pid=pid, body=body, overlay=overlay, register=register) + textwrap.dedent(extra))
    return p


def host_with(folder: Path) -> PluginHost:
    host = PluginHost()
    host.load_all(discovery.builtin() + discovery.from_folder(folder))
    return host


def test_import_error_syntax_error_and_register_error_become_broken_entries(tmp_path):
    d = tmp_path / "plugins"
    write_plugin(d, "good")
    (d / "missing_dep.py").write_text("import no_such_module_xyz\n")
    (d / "bad_syntax.py").write_text("def register(api:\n")
    write_plugin(d, "raises", register="raise RuntimeError('no licence key')")
    host = host_with(d)
    recs = host.plugins
    assert recs["good"].enabled and "good_tool" in host.registry
    assert recs["missing_dep"].state == "broken"
    assert "ModuleNotFoundError" in recs["missing_dep"].error and "no_such_module_xyz" in recs["missing_dep"].error
    assert recs["bad_syntax"].state == "broken" and "SyntaxError" in recs["bad_syntax"].error
    assert "bad_syntax.py:1" in recs["bad_syntax"].error
    assert recs["raises"].state == "broken" and "no licence key" in recs["raises"].error
    assert "raises_tool" not in host.registry  # what it registered before raising is undone


def test_incompatible_api_version_and_duplicate_ids_are_refused(tmp_path):
    d = tmp_path / "plugins"
    (d).mkdir()
    (d / "future.py").write_text("PLUGIN_ID='future'\nAPI_VERSION=2\ndef register(api): raise AssertionError\n")
    (d / "undeclared.py").write_text("PLUGIN_ID='undeclared'\ndef register(api): raise AssertionError\n")
    write_plugin(d, "twin")
    (d / "twin_again.py").write_text((d / "twin.py").read_text())
    host = host_with(d)
    data = {(p["id"], p["state"]): p for p in host.to_data()["plugins"]}
    assert "written for plugin API 2" in data[("future", "incompatible")]["error"]
    assert data[("undeclared", "incompatible")]["error"] == "declares no API_VERSION"
    assert "already loaded from" in data[("twin", "duplicate")]["error"]
    assert ("twin", "enabled") in data


def test_exception_in_a_tool_at_run_time_disables_the_plugin_and_the_editor_keeps_working(tmp_path, plugin_editor, load_plugin):
    d = tmp_path / "plugins"
    p = write_plugin(d, "crashy", body=textwrap.dedent("""\
        if isinstance(msg, W.PointerDown):
                    layer = ctx.active_layer()
                    return 1, [W.Begin(), W.GestureApply((T.ObjectCreated(N.Path(ctx.new_id('path'), layer, ctx.next_order(layer), ())),))]
                if isinstance(msg, W.PointerMove):
                    raise ZeroDivisionError('division by zero in the plugin')"""))
    ed = plugin_editor(p)
    ed.use("crashy_tool").pointer_down(10, 10)
    assert len(ed.paths()) == 1  # the gesture's path is live
    ed.pointer_move(20, 20)  # raises inside the plugin
    rec = ed.plugin_host.plugins["crashy"]
    assert rec.state == "broken" and "ZeroDivisionError" in rec.error and "crashy.py" in rec.error
    assert "crashy_tool" not in ed.registry and ed.tool_name == "select"
    assert ed.paths() == [] and ed.gesture is None  # the open gesture was aborted
    assert any("crashy disabled" in m for m in ed.messages)
    ed.pointer_up(20, 20)
    ed.key("M").drag(10, 10, 60, 60)  # the editor goes on
    assert len(ed.shapes()) == 1


def test_exception_in_a_command_or_panel_disables_only_that_plugin(tmp_path, plugin_editor):
    d = tmp_path / "plugins"
    p = write_plugin(d, "cmd", register="api.command('boom', lambda ctx: 1 / 0)\n    api.panel('Boom', lambda ctx: None)")
    ed = plugin_editor(p, REPO / "plugins" / "spiral.py")
    host = ed.plugin_host
    assert [x.title for x in host.panels()] == ["Boom"]
    ed.run_command("cmd.boom")
    assert host.plugins["cmd"].state == "broken" and "ZeroDivisionError" in host.plugins["cmd"].error
    assert host.panels() == [] and host.commands() == []
    assert host.plugins["spiral"].enabled and "spiral" in ed.registry


def test_a_handler_over_its_frame_budget_is_reported_not_disabled(tmp_path, plugin_editor):
    d = tmp_path / "plugins"
    p = write_plugin(d, "slow", overlay="import time; time.sleep(0.012)")
    ed = plugin_editor(p)
    host = ed.plugin_host
    host.budget_ms = 5.0
    ed.use("slow_tool")
    for _ in range(3):
        ed.overlays()
        host.end_frame()
    rec = host.plugins["slow"]
    assert rec.enabled and len(rec.overruns) == 3
    assert rec.overruns[0].handler == "tool slow_tool.overlay" and rec.overruns[0].ms >= 10
    assert rec.to_data()["budget_overruns"] == 3
    assert any("budget 5 ms" in m for m in ed.messages)


def test_small_handlers_within_one_frame_add_up_against_the_budget(tmp_path, plugin_editor):
    d = tmp_path / "plugins"
    p = write_plugin(d, "chatty", overlay="import time; time.sleep(0.002)")
    ed = plugin_editor(p)
    host = ed.plugin_host
    host.budget_ms = 5.0
    ed.use("chatty_tool")
    ed.overlays()
    host.end_frame()
    assert host.plugins["chatty"].overruns == []
    for _ in range(4):  # four calls in one frame: about 8 ms
        ed.overlays()
    host.end_frame()
    assert len(host.plugins["chatty"].overruns) == 1 and host.plugins["chatty"].overruns[0].ms >= 7


def test_entry_point_plugins_are_discovered_from_installed_distributions(tmp_path, monkeypatch):
    site = tmp_path / "site"
    pkg = site / "acme_tools"
    pkg.mkdir(parents=True)
    write_plugin(pkg, "acme")
    (pkg / "__init__.py").write_text("")
    dist = site / "acme_tools-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-tools\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[wiretuner_gl.plugins]\nacme = acme_tools.acme\n")
    monkeypatch.syspath_prepend(str(site))
    found = discovery.from_entry_points()
    assert [c.hint for c in found] == ["acme"] and "acme-tools" in found[0].source
    host = PluginHost()
    host.load_all(discovery.builtin() + found)
    assert host.plugins["acme"].enabled and "acme_tool" in host.registry


def test_user_plugin_folder_comes_from_the_environment(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("WIRETUNER_PLUGIN_PATH", os.pathsep.join([str(a), str(b)]))
    assert discovery.user_plugin_dirs() == [a, b]
    monkeypatch.delenv("WIRETUNER_PLUGIN_PATH")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert discovery.user_plugin_dirs() == [tmp_path / "xdg" / "wiretuner" / "plugins"]


def test_builtin_tools_register_through_the_plugin_path_with_their_own_undo(plugin_host):
    rec = plugin_host.plugins["builtin"]
    assert rec.enabled and rec.to_data()["tools"][:3] == ["select", "direct", "pen"]
    rec.api.unregister_all()
    assert plugin_host.registry.names() == []


def test_wiretuner_plugins_lists_shipped_plugins_and_reports_a_broken_one(tmp_path):
    d = tmp_path / "user"
    d.mkdir()
    (d / "broken.py").write_text("PLUGIN_ID = 'broken'\nAPI_VERSION = 1\ndef register(api):\n    raise KeyError('colour')\n")
    env = dict(os.environ, WIRETUNER_PLUGIN_PATH=str(d))
    out = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "plugins", "--json"], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    ids = {p["id"]: p for p in data["plugins"]}
    assert {"builtin", "spiral", "rounded_star", "array"} <= set(ids)
    assert ids["spiral"]["tools"] == ["spiral"] and ids["array"]["commands"] == ["repeat"]
    assert data["failed"] == [{"id": "broken", "source": str(d / "broken.py"), "state": "broken",
                               "error": "register() raised KeyError: 'colour' (at broken.py:4 in register)"}]
    text = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "plugins"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=60)
    assert text.returncode == 0 and "BROKEN" in text.stdout and "KeyError: 'colour'" in text.stdout


def test_a_plugin_importer_that_raises_is_disabled_and_the_caller_gets_a_clear_error(tmp_path, plugin_editor):
    from wiretuner_gl.errors import WireTunerError
    from wiretuner_gl.io.registry import IMPORTERS, importer_for

    d = tmp_path / "plugins"
    p = write_plugin(d, "dots_io", register="api.importer('.dots', lambda path, guard: int(path.read_text()))")
    ed = plugin_editor(p)
    src = tmp_path / "a.dots"
    src.write_text("not a number")
    with pytest.raises(WireTunerError, match=r"plugin dots_io: importer \.dots failed: ValueError"):
        importer_for(src)(src, None)
    assert ed.plugin_host.plugins["dots_io"].state == "broken"
    assert ".dots" not in IMPORTERS  # unregistered with the plugin


def test_a_refusal_from_a_plugin_tool_is_reported_without_disabling_it(tmp_path, plugin_editor):
    d = tmp_path / "plugins"
    p = write_plugin(d, "picky", body=textwrap.dedent("""\
        if isinstance(msg, W.PointerDown):
                    from wiretuner_gl.errors import WireTunerError
                    raise WireTunerError('nothing to pick here')"""))
    ed = plugin_editor(p)
    ed.use("picky_tool").click(10, 10)
    assert "nothing to pick here" in ed.messages
    assert ed.plugin_host.plugins["picky"].enabled and ed.tool_name == "picky_tool"
