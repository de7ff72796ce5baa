"""App tests: real GLFW windows on an Xvfb server this session starts itself (no xvfb-run needed).

The editor runs as a subprocess (`python -m wiretuner_gl.cli ... --script S.jsonl --exit`), as a
user would run it, with its recovery folder in the test's tmp directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
WINDOW = (1280, 800)


def _free_display() -> int:
    for n in range(90, 400):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number in 90..399")


@pytest.fixture(scope="session")
def xvfb():
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.fail("Xvfb is not installed (scripts/install.sh installs it)")
    n = _free_display()
    proc = subprocess.Popen([exe, f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sock = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 20
    while not sock.exists():
        if proc.poll() is not None:
            pytest.fail(f"Xvfb :{n} exited: {proc.stderr.read().decode(errors='replace')[-500:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{n} did not start in 20 s")
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{n}"
    yield f":{n}"
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


class Run:
    def __init__(self, proc: subprocess.CompletedProcess, shot: Path | None):
        self.proc = proc
        self.shot = shot

    @property
    def document(self) -> Path:
        for line in self.proc.stdout.splitlines():
            if line.startswith("document: "):
                return Path(line[len("document: "):].split(" (")[0])
        raise AssertionError(f"no document line in output:\n{self.proc.stdout}\n{self.proc.stderr}")

    def view(self, wid: int = 0):
        """The view window `wid` had at the end of the script (the editor prints it)."""
        from wiretuner_gl.tools.view import View

        for line in self.proc.stdout.splitlines():
            if line.startswith(f"view {wid}: "):
                rest = line.split(": ", 1)[1]
                zoom = float(rest.split("zoom=")[1].split()[0])
                px, py = (float(c) for c in rest.split("pan=(")[1].split(")")[0].split(", "))
                w, h = (int(c) for c in rest.split("size=")[1].split("x"))
                return View(w, h, zoom, px, py)
        raise AssertionError(f"no view line for window {wid}:\n{self.proc.stdout}")

    def pixels(self) -> np.ndarray:
        return np.asarray(Image.open(self.shot).convert("RGB"), dtype=np.int16)


@pytest.fixture
def editor(xvfb, tmp_path):
    """Run the editor on a script (a list of step dicts); returns a Run."""
    rec = tmp_path / "recovery"
    env = dict(os.environ, DISPLAY=xvfb, WIRETUNER_RECOVERY_DIR=str(rec), WIRETUNER_WINDOW_SIZE="x".join(map(str, WINDOW)))
    counter = [0]

    def run(steps, file=None, screenshot=True, timeout=120, check=True) -> Run:
        counter[0] += 1
        script = tmp_path / f"script{counter[0]}.jsonl"
        script.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
        shot = tmp_path / f"shot{counter[0]}.png" if screenshot else None
        cmd = [sys.executable, "-m", "wiretuner_gl.cli"] + ([str(file)] if file else []) + ["--script", str(script), "--exit"]
        if shot:
            cmd += ["--screenshot", str(shot)]
        proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
        if check:
            assert proc.returncode == 0, f"editor failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}"
        return Run(proc, shot)

    run.env = env
    run.recovery = rec
    return run
