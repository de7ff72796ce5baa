"""The editor joins a shared document through `wiretuner serve` and converges with another client."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from tests.server._clients import live_client
from tests.server._procs import GatewayProcess, SECRET
from wiretuner_gl.events import types as T
from wiretuner_gl.model import EllipseGeom, RectGeom, Shape
from wiretuner_gl.server.auth import TokenAuthority

from .conftest import REPO


def _drag(x0, y0, x1, y1):
    return {"mouse": "drag", "x": x0, "y": y0, "to": [x1, y1], "steps": 6}


@pytest.mark.app
@pytest.mark.server
def test_an_editor_and_a_scripted_client_edit_one_document_and_converge(editor, tmp_path):
    authority = TokenAuthority(SECRET)
    gw = GatewayProcess(str(tmp_path / "served.sqlite"), None)
    other = live_client(tmp_path, "py", [gw.url], "poster", authority)
    proc = None
    try:
        ab, layer = other.session.add_artboard("Poster", 0, 0, 800, 600)
        other.sync(30)
        script = tmp_path / "join.jsonl"
        steps = [{"wait_frames": 30}, {"key": "M"}, _drag(300, 200, 450, 300), {"wait_frames": 600}]
        script.write_text("\n".join(json.dumps(s) for s in steps) + "\n")
        env = dict(editor.env, WIRETUNER_TOKEN=authority.mint("user-ed", "poster", "editor"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "wiretuner_gl.cli", "--join", gw.url, "--document", "poster",
             "--script", str(script), "--exit", "--screenshot", str(tmp_path / "shared.png")],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # wait for the editor's rectangle to reach us through the gateway, then answer with an ellipse
        deadline = time.monotonic() + 120
        while not any(isinstance(o, Shape) and isinstance(o.geom, RectGeom) for o in other.session.doc.objects.values()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the editor's rectangle never arrived"
            other.drain()
            time.sleep(0.05)
        ell = Shape(other.session.ids.new("shape"), layer, other.session.next_order(layer), EllipseGeom(600, 450, 60, 40))
        other.session.apply([T.ObjectCreated(ell)])
        other.sync(30)
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-3000:]
        m = re.search(r"^shared state: ([0-9a-f]{64})$", out, re.M)
        assert m, out
        other.sync(30)
        other.drain()
        kinds = sorted(type(o.geom).__name__ for o in other.session.doc.objects.values())
        assert kinds == ["EllipseGeom", "RectGeom"]
        assert m.group(1) == other.session.doc.state_hash()  # the editor saw the ellipse: both converged
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.communicate()
        other.close()
        gw.stop()
