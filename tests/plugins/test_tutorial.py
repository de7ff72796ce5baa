"""docs/plugins.md stays true: its plugin and its tests run as a tool author would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_tutorial_plugin_loads_and_its_tests_pass_with_the_installed_fixtures(tmp_path):
    text = (REPO / "docs" / "plugins.md").read_text()
    plugin, tests = re.findall(r"```python\n(.*?)```", text, re.S)[:2]
    folder = tmp_path / "home" / ".local" / "share" / "wiretuner" / "plugins"
    folder.mkdir(parents=True)
    (folder / "grid_dots.py").write_text(plugin)
    (tmp_path / "test_grid_dots.py").write_text(tests)
    env = {k: v for k, v in os.environ.items() if k not in ("WIRETUNER_PLUGIN_PATH", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path / "home")
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_grid_dots.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "2 passed" in res.stdout
    listed = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "plugins"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith("grid_dots"))
    assert " ok " in line and str(folder / "grid_dots.py") in line
