"""The .wiretuner file: durability settings, readers while writing, migrations, undo and gestures."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from wiretuner_gl.errors import DocumentReadOnly, ReducerError
from wiretuner_gl.events import types as T
from wiretuner_gl.model import Anchor, Path as PathNode, RectGeom, Shape, Subpath, keys_between
from wiretuner_gl.store import DocumentSession, EventStore, load
from wiretuner_gl.store.schema import SCHEMA_VERSION

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden" / "format1.wiretuner"
GOLDEN_HASH = "aae55576d13efad2f7dfc14f445326b15ac1e22061da1ff6c2f36d739e21797b"


def _layer(s):
    ab = s.doc.children()[0]
    return s.doc.children(ab)[0]


def _rect(s, x=0.0):
    layer = _layer(s)
    sh = Shape(s.ids.new("shape"), layer, s.next_order(layer), RectGeom(x, 0, 10, 10))
    s.apply([T.ObjectCreated(sh)])
    return sh


def test_file_uses_wal_and_full_synchronous(doc_path):
    with DocumentSession.create(doc_path) as s:
        assert s.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        meta = s.store.meta()
        assert meta["format_version"] == str(SCHEMA_VERSION) and meta["generator"].startswith("WireTuner GL")


def test_a_reader_sees_every_appended_event_while_the_writer_keeps_writing(doc_path):
    with DocumentSession.create(doc_path) as writer:
        reader = EventStore.open(doc_path, read_only=True)
        for i in range(5):
            _rect(writer, float(i))
            assert reader.last_seq() == writer.seq
            assert load(reader).doc.state_hash() == writer.doc.state_hash()
        reader.close()


def test_an_event_that_cannot_apply_writes_nothing(doc_path):
    with DocumentSession.create(doc_path) as s:
        before = s.store.count()
        bogus = Shape("shape:x.1", "layer:missing", "a0", RectGeom(0, 0, 1, 1))
        with pytest.raises(ReducerError, match="layer:missing"):
            s.apply([T.ObjectCreated(bogus)])
        assert s.store.count() == before


def test_golden_format1_document_opens_and_migrates_old_events(tmp_path):
    copy = tmp_path / "golden.wiretuner"
    shutil.copy(GOLDEN, copy)
    with DocumentSession.open(copy) as s:
        assert s.doc.state_hash() == GOLDEN_HASH
        anchors = s.doc.objects["path:golden.1"].subpaths[0].anchors
        assert (anchors[1].x, anchors[1].y) == (260.0, 80.0)  # moved by two AnchorMoved v1 events
        # a v1 event inverts like a v2 one: undo the migrated drag of the golden actor
    with DocumentSession.open(copy, actor="golden") as s:
        s.undo()
        a = s.doc.objects["path:golden.1"].subpaths[0].anchors[1]
        assert (a.x, a.y) == (200.0, 40.0)


def test_undo_after_drag_restores_the_transform_and_the_drag_is_one_step(doc_path):
    with DocumentSession.create(doc_path) as s:
        sh = _rect(s)
        clock = [0.0]
        g = s.begin_gesture(interval=0.05, clock=lambda: clock[0])
        for i in range(1, 11):  # 10 moves, 20 ms apart: samples at 60, 120, 180 ms... plus the end
            clock[0] = i * 0.02
            g.update([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, float(i), 0.0))])
        g.commit()
        moves = [r for r in s.store.records() if r.kind == "ObjectTransformed"]
        assert 2 <= len(moves) <= 5  # sampled, not one per move
        assert moves[-1].event.after[4] == 10.0  # the final position is always logged
        assert len({r.group for r in moves}) == 1
        s.undo()
        assert s.doc.objects[sh.id].transform[4] == 0.0
        s.redo()
        assert s.doc.objects[sh.id].transform[4] == 10.0


def test_escape_during_a_drag_restores_the_state_before_it(doc_path):
    with DocumentSession.create(doc_path) as s:
        sh = _rect(s)
        before = s.doc.state_hash()
        clock = [0.0]
        g = s.begin_gesture(clock=lambda: clock[0])
        for i in range(1, 6):
            clock[0] = i * 0.1
            g.update([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 5.0 * i, 0.0))])
        assert s.doc.objects[sh.id].transform[4] == 25.0
        g.abort()
        assert s.doc.state_hash() == before
        # the aborted drag is not an undo step: undo removes the rectangle itself
        s.undo()
        assert sh.id not in s.doc.objects


def test_a_new_edit_clears_redo(doc_path):
    with DocumentSession.create(doc_path) as s:
        _rect(s)
        s.undo()
        assert s.history.can_redo
        _rect(s, 5.0)
        assert not s.history.can_redo


def test_undo_skips_an_operation_whose_object_another_actor_deleted(doc_path):
    with DocumentSession.create(doc_path, actor="alice") as alice:
        sh = _rect(alice)
        alice.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 9.0, 9.0))])
    with DocumentSession.open(doc_path, actor="bob") as bob:
        bob.apply([T.ObjectDeleted(bob.doc.objects[sh.id])])
    with DocumentSession.open(doc_path, actor="alice") as alice:
        res = alice.undo()
        assert res.skipped and sh.id in res.skipped[0][1] and "does not exist" in res.skipped[0][1]
        # skipping the transform leaves the creation to undo, which also fails (already deleted)
        assert res.group is None
        assert not alice.history.can_undo


def test_undo_depth_is_configurable(doc_path):
    with DocumentSession.create(doc_path) as s:
        s.history.depth = 3
        for i in range(6):
            _rect(s, float(i))
        n = 0
        while s.undo().group is not None:
            n += 1
        assert n == 3


def test_only_the_local_actors_operations_enter_its_undo_stack(doc_path):
    with DocumentSession.create(doc_path, actor="alice") as alice:
        _rect(alice)
    with DocumentSession.open(doc_path, actor="bob") as bob:
        _rect(bob, 50.0)
        assert len(bob.history.undo_stack) == 1
        bob.undo()
        assert len(bob.doc.objects) == 1  # alice's rectangle stays


def test_anchor_edits_and_their_inverses(doc_path):
    with DocumentSession.create(doc_path) as s:
        layer = _layer(s)
        k = keys_between(None, None, 2)
        p = PathNode(s.ids.new("path"), layer, s.next_order(layer), (Subpath((Anchor(k[0], 0, 0), Anchor(k[1], 10, 0)), False),))
        s.apply([T.ObjectCreated(p)])
        h0 = s.doc.state_hash()
        s.apply([T.AnchorMoved(p.id, k[1], (10.0, 0.0), (20.0, 5.0)),
                 T.HandlesMoved(p.id, k[1], (0.0, 0.0, 0.0, 0.0), (-3.0, 0.0, 3.0, 0.0)),
                 T.AnchorTypeChanged(p.id, k[1], "corner", "symmetric"),
                 T.SubpathClosureChanged(p.id, 0, False, True)])
        a = s.doc.objects[p.id].subpaths[0].anchors[1]
        assert (a.x, a.y, a.in_x, a.out_x, a.kind) == (20.0, 5.0, -3.0, 3.0, "symmetric")
        s.undo()
        assert s.doc.state_hash() == h0


def test_a_read_only_session_refuses_edits(doc_path):
    DocumentSession.create(doc_path).close()
    with DocumentSession.open(doc_path, read_only=True) as s:
        with pytest.raises(DocumentReadOnly):
            s.add_artboard("x", 0, 0, 10, 10)


def test_a_damaged_event_opens_read_only_with_everything_before_it(doc_path):
    with DocumentSession.create(doc_path) as s:
        for i in range(4):
            _rect(s, float(i))
        good = s.doc
    conn = sqlite3.connect(doc_path)
    conn.execute("UPDATE events SET payload = substr(payload, 1, 20) WHERE seq = 5")
    conn.commit()
    conn.close()
    with DocumentSession.open(doc_path, recover=True) as s:
        assert s.read_only and "event 5 is damaged" in s.problems[0]
        assert len(s.doc.objects) == 2 and s.seq == 4
        assert set(s.doc.objects) < set(good.objects)
