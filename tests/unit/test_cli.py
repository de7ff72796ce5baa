"""The `wiretuner` command contract for the document core (shared/CLI.md)."""

import json
import subprocess
import sys

from wiretuner_gl import __version__
from wiretuner_gl.events import types as T
from wiretuner_gl.model import RectGeom, Shape
from wiretuner_gl.store import DocumentSession


def wt(*args):
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", *map(str, args)], capture_output=True, text=True)


def test_version_prints_the_package_version():
    res = wt("--version")
    assert res.returncode == 0 and __version__ in res.stdout


def test_new_then_inspect_json_has_the_contract_keys(tmp_path):
    p = tmp_path / "a.wiretuner"
    assert wt("new", p, "--artboard", "800x600", "--name", "Cover").returncode == 0
    res = wt("inspect", p, "--json")
    info = json.loads(res.stdout)
    for key in ("format_version", "events", "last_seq", "snapshots", "objects", "artboards", "state_hash"):
        assert key in info
    assert info["artboards"][0]["name"] == "Cover" and info["artboards"][0]["width"] == 800.0
    assert info["events"] == info["last_seq"] == 2
    assert len(info["state_hash"]) == 64


def test_new_refuses_a_bad_size_and_an_existing_file(tmp_path):
    p = tmp_path / "a.wiretuner"
    assert wt("new", p, "--artboard", "800 by 600").returncode == 2
    assert wt("new", p).returncode == 0
    res = wt("new", p)
    assert res.returncode == 2 and "already exists" in res.stderr


def _edited(path):
    with DocumentSession.create(path) as s:
        layer = s.doc.children(s.doc.children()[0])[0]
        ids = []
        for i in range(3):
            sh = Shape(s.ids.new("shape"), layer, s.next_order(layer), RectGeom(i * 20, 0, 10, 10))
            s.apply([T.ObjectCreated(sh)])
            ids.append(sh.id)
        s.apply([T.ObjectTransformed(ids[0], (1, 0, 0, 1, 0, 0), (1, 0, 0, 1, 5, 5))])
        s.undo()
        return s.doc.state_hash(), ids


def test_history_lists_operations_newest_first_with_the_objects_touched(tmp_path):
    p = tmp_path / "h.wiretuner"
    _, ids = _edited(p)
    ops = json.loads(wt("history", p, "--json").stdout)["operations"]
    assert ops[0]["kind"].startswith("undo") and ops[0]["objects"] == [ids[0]]
    assert ops[1]["kind"] == "ObjectTransformed"
    assert [o["first_seq"] for o in ops] == sorted((o["first_seq"] for o in ops), reverse=True)
    assert len(json.loads(wt("history", p, "--json", "--limit", "2").stdout)["operations"]) == 2
    text = wt("history", p).stdout
    assert "ObjectTransformed" in text and ids[0] in text


def test_verify_passes_on_a_good_file(tmp_path):
    p = tmp_path / "v.wiretuner"
    h, _ = _edited(p)
    res = wt("verify", p, "--json")
    out = json.loads(res.stdout)
    assert res.returncode == 0 and out["ok"] and out["state_hash"] == h


def test_export_json_then_import_gives_the_same_state_hash(tmp_path):
    p = tmp_path / "e.wiretuner"
    h, _ = _edited(p)
    out = tmp_path / "e.json"
    assert wt("export", p, "-o", out).returncode == 0
    data = json.loads(out.read_text())
    assert data["format_version"] == 1 and data["generator"].startswith("WireTuner GL") and data["state_hash"] == h
    assert out.read_text() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"  # stable, indented
    back = tmp_path / "back.wiretuner"
    res = wt("import", out, "-o", back)
    assert res.returncode == 0, res.stderr
    assert json.loads(wt("inspect", back, "--json").stdout)["state_hash"] == h


def test_export_at_an_earlier_seq(tmp_path):
    p = tmp_path / "at.wiretuner"
    _edited(p)
    out = tmp_path / "at.json"
    assert wt("export", p, "-o", out, "--at", "3").returncode == 0
    assert len(json.loads(out.read_text())["objects"]) == 1
    res = wt("export", p, "-o", out, "--at", "999")
    assert res.returncode == 2 and "outside the log" in res.stderr
