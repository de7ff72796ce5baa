"""The plugin host, the plugin API and the capture output code load without GL, windows or imgui
(`wiretuner plugins` and `perf compare` work on a machine with no display)."""

import json
import subprocess
import sys

import pytest

PROBE = r"""
import importlib, json, pkgutil, sys
names = []
for root in sys.argv[1:]:
    pkg = importlib.import_module(root)
    names.append(root)
    if hasattr(pkg, "__path__"):
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, root + ".") if not m.name.endswith("pytest_plugin")]
for n in names:
    importlib.import_module(n)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("moderngl", "glfw", "imgui_bundle", "glcontext"))))
"""


@pytest.mark.parametrize("package", ["wiretuner_gl.plugin_api", "wiretuner_gl.plugins", "wiretuner_gl.perf",
                                     "wiretuner_gl.commands.plugins"])
def test_package_imports_no_gl_window_or_imgui_code(package):
    res = subprocess.run([sys.executable, "-c", PROBE, package], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout.strip().splitlines()[-1]) == []
