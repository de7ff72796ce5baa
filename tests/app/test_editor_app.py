"""The editor under real GLFW windows, driven by scripted input through the GLFW callback path."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from wiretuner_gl.model.nodes import EllipseGeom, Group, LineGeom, Path as PathNode, PolygonGeom, RectGeom, Shape, StarGeom
from wiretuner_gl.store.file import EventStore
from wiretuner_gl.store.session import DocumentSession

from .conftest import CORPUS, REPO

pytestmark = pytest.mark.app

FILL = np.array([217, 217, 217])  # the shape tools' default fill (0.85 grey)


def new_doc(tmp_path, name="doc.wiretuner", artboards=1, size=(800.0, 600.0)) -> Path:
    p = tmp_path / name
    s = DocumentSession.create(p, artboard=size)
    for i in range(1, artboards):
        s.add_artboard(f"Artboard {i + 1}", i * (size[0] + 100), 0.0, *size)
    s.close()
    return p


def load(p):
    with DocumentSession.open(p, read_only=True) as s:
        return s.doc


def drag(x0, y0, x1, y1, **kw):
    return {"mouse": "drag", "x": x0, "y": y0, "to": [x1, y1], **kw}


def near(a, b, tol=1e-6):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def test_every_drawing_tool_makes_the_document_and_the_pixels(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    run = editor([
        {"key": "M"}, drag(300, 200, 450, 300),
        {"key": "L"}, drag(500, 200, 600, 300),
        {"tool": "polygon"}, drag(650, 200, 750, 300),
        {"tool": "star"}, drag(800, 200, 900, 300),
        {"key": "\\"}, drag(300, 400, 450, 400),
        {"key": "P"}, {"mouse": "click", "x": 500, "y": 400}, drag(600, 400, 650, 450), {"mouse": "click", "x": 700, "y": 600},
        {"key": "Enter"},
        {"key": "Escape"},
    ], file=doc_path)
    v = run.view(0)
    doc = load(doc_path)
    shapes = {type(o.geom): o for o in doc.objects.values() if isinstance(o, Shape)}
    (x0, y0), (x1, y1) = v.to_doc(300, 200), v.to_doc(450, 300)
    r = shapes[RectGeom].geom
    assert near((r.x, r.y, r.width, r.height), (x0, y0, x1 - x0, y1 - y0), 1e-6)
    e = shapes[EllipseGeom].geom
    assert near((e.cx, e.cy), v.to_doc(550, 250)) and e.rx == pytest.approx(50 / v.zoom)
    assert shapes[PolygonGeom].geom.radius == pytest.approx(50 / v.zoom)
    assert shapes[StarGeom].geom.outer == pytest.approx(50 / v.zoom)
    ln = shapes[LineGeom].geom
    assert near((ln.x1, ln.y1, ln.x2, ln.y2), v.to_doc(300, 400) + v.to_doc(450, 400))
    (path,) = [o for o in doc.objects.values() if isinstance(o, PathNode)]
    a = path.subpaths[0].anchors
    assert len(a) == 3 and near((a[0].x, a[0].y), v.to_doc(500, 400))
    assert a[1].kind == "symmetric" and a[1].out_x == pytest.approx(50 / v.zoom)
    px = run.pixels()
    assert np.abs(px[250, 375] - FILL).max() <= 3  # inside the rectangle: its fill
    assert np.abs(px[250, 550] - FILL).max() <= 3  # inside the ellipse
    assert px[396:405, 370:380].max(axis=2).min() < 150  # the line's black 1-unit stroke (antialiased)
    assert px[380:390, 370:380].min() > 250  # and white just above it
    assert np.abs(px[650, 900] - 255).max() <= 2  # empty artboard stays white
    assert px[400, 128].max() < 90  # the pasteboard beside the artboard is dark


def test_clicking_a_panel_goes_to_imgui_not_to_the_tool(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    editor([{"key": "M"}, {"mouse": "click", "x": 56, "y": 148}, drag(40, 300, 100, 400), drag(300, 200, 400, 300)], file=doc_path)
    doc = load(doc_path)
    # the click hit the "Ellipse (L)" button (activating that tool); the drag over the panel drew nothing
    (s,) = [o for o in doc.objects.values() if isinstance(o, Shape)]
    assert isinstance(s.geom, EllipseGeom)


def test_edit_anchors_with_direct_selection_then_undo_and_redo(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    run = editor([
        {"key": "P"}, {"mouse": "click", "x": 300, "y": 300}, {"mouse": "click", "x": 500, "y": 300},
        {"mouse": "click", "x": 500, "y": 500}, {"key": "Enter"},
        {"key": "A"}, drag(500, 300, 560, 260),            # move an anchor
        {"mouse": "click", "x": 430, "y": 280, "mods": ["alt"]},  # insert one on the (moved) first segment
        {"key": "Z", "mods": ["ctrl"]},                    # undo the insert
        {"key": "Z", "mods": ["ctrl"]},                    # undo the move
        {"key": "Z", "mods": ["ctrl", "shift"]},           # redo the move
    ], file=doc_path)
    v = run.view(0)
    (p,) = [o for o in load(doc_path).objects.values() if isinstance(o, PathNode)]
    pts = [(a.x, a.y) for a in p.subpaths[0].anchors]
    assert len(pts) == 3
    assert near(pts[1], v.to_doc(560, 260))
    with EventStore.open(doc_path, read_only=True) as st:
        causes = [r.cause for r in st.records()]
    assert sum(1 for c in causes if c and c.startswith("undo:")) >= 2 and any(c and c.startswith("redo:") for c in causes)


def test_twenty_artboard_windows_share_the_document(editor, tmp_path):
    doc_path = new_doc(tmp_path, artboards=20, size=(400.0, 300.0))
    steps = [{"open_window": i} for i in range(20)]
    steps += [{"window": 20}, {"key": "M"}, drag(200, 150, 400, 300), {"wait_frames": 2}]
    run = editor(steps, file=doc_path)
    doc = load(doc_path)
    (s,) = [o for o in doc.objects.values() if isinstance(o, Shape)]
    last = doc.artboards[doc.children()[19]]
    g = s.geom
    # drawn in the 20th window: it lands inside the 20th artboard, in that artboard's layer
    assert last.x <= g.x and g.x + g.width <= last.x + last.width
    assert doc.layers[s.parent].artboard == last.id
    px = run.pixels()  # the screenshot is of window 20 (the script's current window)
    assert px.shape[:2] == (480, 640)
    assert np.abs(px[225, 300] - FILL).max() <= 3


def test_scrub_history_shows_the_past_read_only_and_restore_returns_to_it(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    run = editor([{"key": "M"}, drag(300, 200, 450, 300), {"key": "M"}, drag(600, 200, 750, 300), {"key": "Escape"}],
                 file=doc_path)
    with EventStore.open(doc_path, read_only=True) as st:
        groups = {}
        for r in st.records():
            groups.setdefault(r.group, []).append(r.seq)
        first_rect_end = sorted(groups.values())[1][-1]  # after the artboard's group: the first rectangle
        last = st.last_seq()
    run = editor([{"scrub": first_rect_end}, {"wait_frames": 8}], file=doc_path)
    px = run.pixels()
    assert np.abs(px[250, 375] - FILL).max() <= 3  # the first rectangle is there
    assert np.abs(px[250, 675] - 255).max() <= 2  # the second is not (yet)
    assert len([o for o in load(doc_path).objects.values()]) == 2  # read-only: the document did not change
    # keys that would edit are ignored while previewing
    editor([{"scrub": first_rect_end}, {"wait_frames": 8}, {"key": "Delete"}, {"key": "A", "mods": ["ctrl"]}],
           file=doc_path, screenshot=False)
    assert len(load(doc_path).objects) == 2
    editor([{"scrub": first_rect_end}, {"wait_frames": 8}, {"restore": True}, {"wait_frames": 2}], file=doc_path, screenshot=False)
    doc = load(doc_path)
    assert len(doc.objects) == 1
    with EventStore.open(doc_path, read_only=True) as st:
        assert st.last_seq() > last  # restore appended events; history was not rewritten


def test_drop_an_svg_imports_it_as_one_undoable_group(editor, tmp_path):
    svg = tmp_path / "drop.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                   '<rect x="10" y="10" width="80" height="80" fill="#ff0000"/>'
                   '<circle cx="50" cy="50" r="20" fill="#0000ff"/></svg>')
    doc_path = new_doc(tmp_path)
    run = editor([{"drop": [str(svg)]}, {"wait_frames": 3}], file=doc_path)
    v = run.view(0)
    doc = load(doc_path)
    (g,) = [o for o in doc.objects.values() if isinstance(o, Group)]
    assert g.name == "drop" and len(doc.descendants(g.id)) == 2
    px = run.pixels()
    sx, sy = (int(round(c)) for c in v.to_screen(15, 15))
    assert px[sy, sx][0] > 200 and px[sy, sx][1] < 60  # red
    cx, cy = (int(round(c)) for c in v.to_screen(50, 50))
    assert px[cy, cx][2] > 200 and px[cy, cx][0] < 60  # blue circle on top
    editor([{"key": "Z", "mods": ["ctrl"]}], file=doc_path, screenshot=False)
    assert len(load(doc_path).objects) == 0


def test_drop_of_the_tiger_from_the_corpus(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    editor([{"drop": [str(CORPUS / "svg" / "tiger.svg")]}, {"wait_frames": 3}], file=doc_path, screenshot=False)
    doc = load(doc_path)
    from wiretuner_gl.io.svg_import import import_svg

    src = import_svg(CORPUS / "svg" / "tiger.svg").doc
    leaves = lambda d: sorted(type(o).__name__ for o in d.objects.values() if not isinstance(o, Group))  # noqa: E731
    assert len(leaves(src)) > 100 and leaves(doc) == leaves(src)


def test_save_as_and_export_through_the_dialogs(editor, tmp_path):
    out = tmp_path / "saved.wiretuner"
    svg = tmp_path / "out.svg"
    run = editor([
        {"key": "M"}, drag(300, 200, 450, 300),
        {"key": "S", "mods": ["ctrl"]}, {"wait_frames": 2}, {"type": str(out)}, {"key": "Enter"}, {"wait_frames": 2},
        {"key": "E", "mods": ["ctrl"]}, {"wait_frames": 2}, {"type": str(svg)}, {"key": "Enter"}, {"wait_frames": 2},
        {"key": "L"}, drag(500, 200, 600, 300),
    ], screenshot=False)
    assert run.document == out  # editing continued in the saved copy
    doc = load(out)
    assert sorted(type(o.geom).__name__ for o in doc.objects.values()) == ["EllipseGeom", "RectGeom"]
    assert "<svg" in svg.read_text()
    assert not list(editor.recovery.glob("*.wiretuner"))  # the untitled document left the recovery folder


def test_kill_9_mid_session_then_the_next_start_offers_to_reopen(editor, tmp_path, xvfb):
    script = tmp_path / "long.jsonl"
    steps = [{"key": "M"}, drag(300, 200, 450, 300), {"key": "L"}, drag(500, 200, 600, 300), {"wait_frames": 100000}]
    script.write_text("\n".join(json.dumps(s) for s in steps))
    proc = subprocess.Popen([sys.executable, "-m", "wiretuner_gl.cli", "--script", str(script)], env=editor.env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        found = None
        while time.monotonic() < deadline and found is None:
            for p in editor.recovery.glob("*.wiretuner"):
                try:
                    with DocumentSession.open(p, read_only=True) as s:
                        if len(s.doc.objects) == 2 and s.gesture is None:
                            kinds = sorted(type(o.geom).__name__ for o in s.doc.objects.values())
                            found = (p, kinds)
                except Exception:
                    pass
            time.sleep(0.2)
        assert found, "the editor did not write both shapes in time"
        time.sleep(0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    path, kinds = found
    assert path.with_suffix(".lock").exists()  # the crash left the lock behind
    run = editor([{"wait_frames": 2}, {"key": "Enter"}, {"wait_frames": 2}])
    assert run.document == path
    doc = load(path)
    assert sorted(type(o.geom).__name__ for o in doc.objects.values()) == kinds == ["EllipseGeom", "RectGeom"]


def test_navigator_shows_each_artboard_as_a_thumbnail(editor, tmp_path):
    doc_path = new_doc(tmp_path, artboards=2, size=(400.0, 300.0))
    run = editor([{"key": "M"}, drag(300, 200, 600, 400), {"navigator": True}, {"wait_frames": 6}, {"window": 1},
                  {"wait_frames": 2}], file=doc_path)
    px = run.pixels()
    thumb = px[10:140, 8:175]
    assert (np.abs(thumb - FILL).max(axis=2) <= 3).sum() > 200  # the rectangle, in the first thumbnail
    assert (np.abs(thumb - 255).max(axis=2) <= 2).sum() > 200  # on the white artboard
    second = px[10:140, 180:350]
    assert (np.abs(second - 255).max(axis=2) <= 2).sum() > 5000  # the second artboard: empty and white


def test_open_dialog_switches_to_another_document(editor, tmp_path):
    first = new_doc(tmp_path, "first.wiretuner")
    other = new_doc(tmp_path, "other.wiretuner")
    run = editor([{"key": "O", "mods": ["ctrl"]}, {"wait_frames": 2}, {"type": str(other)}, {"key": "Enter"},
                  {"wait_frames": 3}, {"key": "M"}, drag(300, 200, 450, 300)], file=first, screenshot=False)
    assert run.document == other
    assert len(load(other).objects) == 1 and len(load(first).objects) == 0


def test_an_unsaved_untitled_document_is_offered_after_a_clean_exit_too(editor):
    run = editor([{"key": "M"}, drag(300, 200, 450, 300)], screenshot=False)
    kept = run.document
    assert kept.parent == editor.recovery and not kept.with_suffix(".lock").exists()
    run = editor([{"wait_frames": 2}, {"key": "Enter"}, {"wait_frames": 2}], screenshot=False)
    assert run.document == kept and len(load(kept).objects) == 1
    assert len(list(editor.recovery.glob("*.wiretuner"))) == 1  # the new empty untitled one was discarded


def test_a_properties_slider_drag_is_written_once_on_release(editor, tmp_path):
    doc_path = new_doc(tmp_path)
    # the opacity slider of the Properties panel (the default docked layout at 1280x800)
    editor([{"key": "M"}, drag(300, 200, 450, 300), {"wait_frames": 3},
            drag(1180, 499, 1060, 499, steps=12), {"wait_frames": 2}], file=doc_path, screenshot=False)
    doc = load(doc_path)
    (s,) = [o for o in doc.objects.values() if isinstance(o, Shape)]
    assert s.style.opacity < 0.5
    with EventStore.open(doc_path, read_only=True) as st:
        restyles = [r for r in st.records() if r.kind == "ObjectRestyled"]
    assert len(restyles) == 1 and restyles[0].event.before.opacity == 1.0
