"""Bad files and bad JSON: one clear line naming the file and the problem, exit 2, no traceback."""

import json
import sqlite3
import subprocess
import sys

import pytest

from wiretuner_gl.events import types as T
from wiretuner_gl.model import RectGeom, Shape
from wiretuner_gl.store import DocumentSession


def wt(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def _assert_clean_failure(res, *needles):
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def _doc(path, n=3):
    with DocumentSession.create(path) as s:
        layer = s.doc.children(s.doc.children()[0])[0]
        for i in range(n):
            s.apply([T.ObjectCreated(Shape(s.ids.new("shape"), layer, s.next_order(layer), RectGeom(i, 0, 5, 5)))])
    return path


@pytest.mark.parametrize("command", ["inspect", "verify", "history", "export"])
def test_a_file_that_is_not_sqlite_is_named_and_refused(tmp_path, command):
    bad = tmp_path / "notes.wiretuner"
    bad.write_text("hello, I am a text file\n" * 20)
    extra = ["-o", tmp_path / "x.json"] if command == "export" else []
    _assert_clean_failure(wt(command, bad, *extra), str(bad), "not a WireTuner document")


def test_a_sqlite_database_that_is_not_a_document_is_refused(tmp_path):
    other = tmp_path / "other.wiretuner"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs(title TEXT)")
    conn.commit()
    conn.close()
    _assert_clean_failure(wt("inspect", other), str(other), "SQLite database, but not a WireTuner document")


def test_a_newer_format_version_is_refused_with_advice(tmp_path):
    p = _doc(tmp_path / "new.wiretuner")
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    _assert_clean_failure(wt("inspect", p), str(p), "format version 99 is newer", "update WireTuner GL")


def test_a_truncated_file_is_reported_as_truncated(tmp_path):
    p = _doc(tmp_path / "t.wiretuner", n=300)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    _assert_clean_failure(wt("inspect", p), str(p), "truncated")


def test_a_file_cut_inside_the_header_is_reported(tmp_path):
    p = _doc(tmp_path / "h.wiretuner")
    p.write_bytes(p.read_bytes()[:60])
    _assert_clean_failure(wt("inspect", p), str(p), "truncated")


def test_a_damaged_event_row_is_named_by_seq(tmp_path):
    p = _doc(tmp_path / "d.wiretuner")
    conn = sqlite3.connect(p)
    conn.execute("UPDATE events SET payload = replace(payload, 'rect', 'rekt') WHERE seq = 4")
    conn.commit()
    conn.close()
    _assert_clean_failure(wt("inspect", p), str(p), "event 4 is damaged")
    res = wt("verify", p)
    assert res.returncode == 1 and "first differing seq 4" in res.stdout


def test_an_empty_file_is_refused(tmp_path):
    p = tmp_path / "empty.wiretuner"
    p.write_bytes(b"")
    _assert_clean_failure(wt("inspect", p), str(p), "empty file")


def test_a_missing_file_is_named(tmp_path):
    _assert_clean_failure(wt("inspect", tmp_path / "nope.wiretuner"), "nope.wiretuner", "no such file")


def test_debug_shows_the_traceback(tmp_path):
    bad = tmp_path / "notes.wiretuner"
    bad.write_text("x" * 200)
    res = wt("inspect", bad, "--debug")
    assert res.returncode == 2 and "Traceback" in res.stderr


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda d: d["objects"][0]["style"].__setitem__("opacity", "half"), "$.objects[0].style.opacity"),
        (lambda d: d["objects"][0]["geom"].__setitem__("type", "blob"), "$.objects[0].geom.type"),
        (lambda d: d["objects"][0].__setitem__("transform", [1, 0, 0, 1]), "$.objects[0].transform"),
        (lambda d: d["objects"][0].pop("parent"), "$.objects[0].parent"),
        (lambda d: d["objects"][0].__setitem__("colour", "red"), "$.objects[0].colour"),
        (lambda d: d["layers"][0].__setitem__("visible", "yes"), "$.layers[0].visible"),
        (lambda d: d.__setitem__("format_version", 7), "$.format_version"),
        (lambda d: d["objects"][0].__setitem__("parent", "layer:nowhere"), "layer:nowhere"),
    ],
)
def test_bad_json_is_rejected_with_the_path_of_the_offending_field(tmp_path, mutate, where):
    p = _doc(tmp_path / "j.wiretuner")
    out = tmp_path / "doc.json"
    assert wt("export", p, "-o", out).returncode == 0
    data = json.loads(out.read_text())
    mutate(data)
    out.write_text(json.dumps(data))
    res = wt("import", out, "-o", tmp_path / "back.wiretuner")
    _assert_clean_failure(res, str(out), where)
    assert not (tmp_path / "back.wiretuner").exists()


def test_json_that_is_not_json_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    _assert_clean_failure(wt("import", bad, "-o", tmp_path / "x.wiretuner"), str(bad), "not valid JSON")


def test_deeply_nested_json_is_refused_cleanly(tmp_path):
    bad = tmp_path / "deep.json"
    bad.write_text("[" * 100000 + "]" * 100000)
    _assert_clean_failure(wt("import", bad, "-o", tmp_path / "x.wiretuner"), str(bad))


def _json_with_groups(tmp_path, parents):
    """An exported document plus groups whose parents are given by `parents(i, layer)`."""
    p = _doc(tmp_path / "g.wiretuner", n=0)
    out = tmp_path / "groups.json"
    assert wt("export", p, "-o", out).returncode == 0
    data = json.loads(out.read_text())
    layer = data["layers"][0]["id"]
    n = len(parents(0, layer))
    data["objects"] = [{"type": "group", "id": f"group:g.{i}", "parent": parents(i, layer)[i], "order": "a0"} for i in range(n)]
    data.pop("state_hash")
    out.write_text(json.dumps(data))
    return out


def test_a_very_deep_group_chain_imports_without_exhausting_the_stack(tmp_path):
    depth = 5000  # far beyond Python's recursion limit
    out = _json_with_groups(tmp_path, lambda i, layer: [layer] + [f"group:g.{k}" for k in range(depth - 1)])
    res = wt("import", out, "-o", tmp_path / "deep.wiretuner")
    assert res.returncode == 0, res.stderr[-2000:]
    assert f"group {depth}" in res.stdout


def test_a_cycle_of_parents_is_rejected_with_its_path(tmp_path):
    out = _json_with_groups(tmp_path, lambda i, layer: ["group:g.2", "group:g.0", "group:g.1"])
    _assert_clean_failure(wt("import", out, "-o", tmp_path / "cyc.wiretuner"), str(out), "objects form a cycle")
