"""The PyInstaller one-folder build (build_spec/): it builds from this checkout, and the built
binary runs without the source tree: --version, an offscreen render, the shipped plugins, and a
scripted editor session under Xvfb using a plugin tool. Slow (a full build): runs on CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.app.conftest import xvfb  # noqa: F401  (the session's Xvfb server fixture)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

pytestmark = [pytest.mark.slow, pytest.mark.app]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pyinstaller")
    res = subprocess.run([sys.executable, str(REPO / "build_spec" / "build.py"), "--dist", str(root / "dist"),
                          "--work", str(root / "work")], capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    info = json.loads(res.stdout.strip().splitlines()[-1])
    exe = Path(info["exe"])
    assert exe.is_file() and os.access(exe, os.X_OK)
    home = root / "home"
    home.mkdir()
    # the binary runs with no view of the checkout or the source install
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
           "WIRETUNER_PLUGIN_PATH": str(home / "no-plugins"), "WIRETUNER_RECOVERY_DIR": str(home / "recovery"),
           "LANG": "C.UTF-8"}
    return exe, env, info, root


def _run(exe, env, *args, cwd, timeout=300):
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def test_built_binary_prints_its_version(built):
    exe, env, info, root = built
    res = _run(exe, env, "--version", cwd=root)
    assert res.returncode == 0 and res.stdout.strip() == "wiretuner 0.1.0" == info["version"]


def test_built_binary_renders_a_document_offscreen_and_caches_kernels_in_the_user_folder(built, tmp_path):
    exe, env, _, _ = built
    res = _run(exe, env, "import", str(CORPUS / "svg" / "tiger.svg"), "-o", str(tmp_path / "tiger.wiretuner"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    res = _run(exe, env, "render", str(tmp_path / "tiger.wiretuner"), "-o", str(tmp_path / "tiger.png"),
               "--width", "240", "--height", "240", "--background", "white", cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    img = np.asarray(Image.open(tmp_path / "tiger.png").convert("RGB"), dtype=np.int16)
    assert img.shape == (240, 240, 3)
    assert (np.abs(img - 255).sum(axis=2) > 60).mean() > 0.2  # the tiger covers much of the image
    cache = Path(env["XDG_CACHE_HOME"]) / "wiretuner" / "numba"
    assert list(cache.rglob("*.nbi")), "the numba cache is not in the user's cache folder"
    source = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "render", str(tmp_path / "tiger.wiretuner"),
                             "-o", str(tmp_path / "src.png"), "--width", "240", "--height", "240", "--background",
                             "white"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert source.returncode == 0
    ref = np.asarray(Image.open(tmp_path / "src.png").convert("RGB"), dtype=np.int16)
    assert np.abs(img - ref).max() <= 2  # the same pipeline, the same pixels as the source install


def test_built_binary_lists_the_shipped_plugins(built):
    exe, env, _, root = built
    res = _run(exe, env, "plugins", "--json", cwd=root)
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads(res.stdout)
    plugins = {p["id"]: p for p in data["plugins"]}
    for pid in ("builtin", "spiral", "rounded_star", "array"):
        assert plugins[pid]["state"] == "enabled", plugins.get(pid)
    assert "_internal/plugins" in plugins["spiral"]["source"] and data["failed"] == []


def test_built_binary_runs_a_scripted_session_with_a_plugin_tool(built, xvfb, tmp_path):  # noqa: F811
    exe, env, _, _ = built
    doc = tmp_path / "s.wiretuner"
    assert _run(exe, env, "new", str(doc), cwd=tmp_path).returncode == 0
    script = tmp_path / "s.jsonl"
    steps = [{"key": "O"}, {"mouse": "drag", "x": 640, "y": 420, "to": [720, 460]}, {"wait_frames": 2}]
    script.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
    run_env = dict(env, DISPLAY=xvfb, WIRETUNER_WINDOW_SIZE="1280x800")
    res = _run(exe, run_env, str(doc), "--script", str(script), "--screenshot", str(tmp_path / "shot.png"), "--exit",
               cwd=tmp_path, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    hist = _run(exe, env, "history", str(doc), "--json", cwd=tmp_path)
    ops = json.loads(hist.stdout)["operations"]
    assert ops[0]["group"].endswith("@plugin:spiral") and ops[0]["event_kinds"] == {"ObjectCreated": 1}
    shot = np.asarray(Image.open(tmp_path / "shot.png").convert("RGB"), dtype=np.int16)
    assert shot.shape == (800, 1280, 3)
    around = shot[340:500, 560:720]  # the spiral's stroke around the drag's start
    assert (around.sum(axis=2) < 200).sum() > 50
