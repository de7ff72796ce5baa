"""DESIGN.md boundaries: most of the program imports no GL, window or imgui code at all."""

import json
import subprocess
import sys

import pytest

PROBE = r"""
import importlib, json, pkgutil, sys
pkg = importlib.import_module(sys.argv[1])
names = [pkg.__name__]
if hasattr(pkg, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
for n in names:
    importlib.import_module(n)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("moderngl", "glfw", "imgui_bundle", "glcontext"))
print(json.dumps({"modules": names, "gui": bad}))
"""

HEADLESS = ["model", "events", "store", "geometry", "io", "sync", "server", "config"]


def _probe(package: str) -> dict:
    res = subprocess.run([sys.executable, "-c", PROBE, package], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_import_no_gl_window_or_imgui_code(package):
    found = _probe(f"wiretuner_gl.{package}")
    assert found["gui"] == [], f"wiretuner_gl.{package} pulls in {found['gui']}"


def test_render_imports_no_window_or_imgui_code():
    found = _probe("wiretuner_gl.render")
    assert not [m for m in found["gui"] if not m.startswith(("moderngl", "glcontext"))]
