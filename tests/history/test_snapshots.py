"""Snapshots: binary chunks keep the canonical hash, load uses the newest valid one, damage is caught."""

from __future__ import annotations

import json
import random

import pytest
import sqlite3
import subprocess
import sys
from pathlib import Path

from hypothesis import given, strategies as st

from tests.history._gen import EditGen, random_events
from wiretuner_gl.events.reducer import reduce_all
from wiretuner_gl.model.document import Document
from wiretuner_gl.store import DocumentSession, EventStore, load
from wiretuner_gl.store.loader import replay
from wiretuner_gl.store.schema import SCHEMA_VERSION
from wiretuner_gl.store.node_encoder import NodeEncoder
from wiretuner_gl.store.snapshot_codec import decode_nodes, document_from_nodes, encode_node
from wiretuner_gl.store.snapshots import SnapshotWriter, check_snapshot, newest_valid, snapshot_summaries

ROOT = Path(__file__).resolve().parents[2]


def wt(*args):
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 50))
def test_binary_chunks_decode_to_equal_nodes_and_the_same_state_hash(seed, steps):
    doc = reduce_all(Document(), random_events(seed, steps))
    nodes = list(doc.artboards.values()) + list(doc.layers.values()) + list(doc.objects.values())
    back = document_from_nodes(decode_nodes([encode_node(n) for n in nodes]),
                               (len(doc.artboards), len(doc.layers), len(doc.objects)))
    assert back == doc
    assert back.state_hash() == doc.state_hash()
    assert NodeEncoder().state_hash(doc) == doc.state_hash()


@given(seed=st.integers(0, 2**32 - 1))
def test_incremental_encoding_matches_encoding_from_scratch(seed):
    from wiretuner_gl.store.snapshot_codec import fragment

    g = EditGen(seed)
    enc = NodeEncoder()
    for _ in range(25):
        g.step()
        assert enc.state_hash(g.doc) == g.doc.state_hash()
        entries, _ = enc.entries(g.doc)
        for node, chunk, _, frag, *_ in entries:  # cached chunks and fragments equal fresh ones
            assert chunk == encode_node(node) and frag == fragment(node)


def _file_with_snapshots(path, seed=3, steps=120, every=40):
    """A log with a snapshot every `every` events (written as the snapshotter does)."""
    events = random_events(seed, steps)
    store = EventStore.create(path, synchronous="OFF", overwrite=True)
    w = SnapshotWriter(store)
    doc = Document()
    for i in range(0, len(events), 10):
        batch = events[i : i + 10]
        recs = store.append(batch, actor="t", group=f"g{i}")
        doc = reduce_all(doc, batch)
        if recs[-1].seq % every < 10:
            w.write(doc, recs[-1].seq)
    return store, doc


def test_load_starts_from_the_newest_snapshot_and_replays_the_tail(tmp_path):
    store, doc = _file_with_snapshots(tmp_path / "s.wiretuner")
    with store:
        seqs = [s["seq"] for s in snapshot_summaries(store)]
        assert len(seqs) >= 3
        res = load(store)
        assert res.snapshot_seq == seqs[-1] and res.seq == store.last_seq()
        assert res.doc.state_hash() == doc.state_hash() == replay(store, Document(), 1, fast=False).doc.state_hash()
        mid = seqs[1] + 3
        assert load(store, upto=mid).snapshot_seq == seqs[1]
        assert load(store, upto=mid).doc.state_hash() == replay(store, Document(), 1, mid, fast=False).doc.state_hash()
        assert all(s["hash_ok"] for s in snapshot_summaries(store))


def _damage_chunk_of(store, seq):
    """Flip a byte in a chunk used only by the snapshot at seq (not by earlier ones)."""
    from wiretuner_gl.store.snapshots import _manifest

    earlier = set()
    for s in [r["seq"] for r in snapshot_summaries(store, check=False) if r["seq"] < seq]:
        earlier.update(_manifest(store, s)[1])
    cid = next(i for i in _manifest(store, seq)[1] if i not in earlier)
    data = bytearray(store.raw_rows("SELECT data FROM snapshot_chunks WHERE id = ?", (cid,))[0][0])
    data[len(data) // 2] ^= 0x20
    store.conn.execute("UPDATE snapshot_chunks SET data = ? WHERE id = ?", (bytes(data), cid))


def test_a_damaged_snapshot_is_skipped_on_load_and_reported(tmp_path):
    path = tmp_path / "d.wiretuner"
    store, doc = _file_with_snapshots(path)
    with store:
        seqs = [s["seq"] for s in snapshot_summaries(store)]
        _damage_chunk_of(store, seqs[-1])
        seq, _, skipped = newest_valid(store)
        assert seq == seqs[-2] and skipped == [{"seq": seqs[-1], "problem": skipped[0]["problem"]}]
        assert "hash" in skipped[0]["problem"]
        assert load(store).doc.state_hash() == doc.state_hash()
    with DocumentSession.open(path) as s:
        assert s.doc.state_hash() == doc.state_hash() and not s.read_only
        assert [x["seq"] for x in s.skipped_snapshots] == [seqs[-1]]
    info = json.loads(wt("inspect", path, "--json").stdout)
    bad = [x for x in info["snapshots"] if x["hash_ok"] is False]
    assert [x["seq"] for x in bad] == [seqs[-1]] and info["state_hash"] == doc.state_hash()
    res = wt("verify", path, "--json")
    out = json.loads(res.stdout)
    assert res.returncode == 1 and out["first_bad_seq"] == seqs[-1]


def test_a_snapshot_with_a_wrong_state_hash_fails_inspect_and_verify(tmp_path):
    path = tmp_path / "w.wiretuner"
    store, doc = _file_with_snapshots(path)
    with store:
        seqs = [s["seq"] for s in snapshot_summaries(store)]
        store.conn.execute("UPDATE snapshots SET state_hash = ? WHERE seq = ?", ("0" * 64, seqs[1]))
        ok, problem = check_snapshot(store, seqs[1])
        assert ok is False and "state hash" in problem
    res = wt("verify", path)
    assert res.returncode == 1 and f"first differing seq {seqs[1]}" in res.stdout
    res = wt("inspect", path)
    assert res.returncode == 0 and "HASH MISMATCH" in res.stdout


def test_verify_passes_on_a_clean_file_and_checks_every_snapshot(tmp_path):
    path = tmp_path / "v.wiretuner"
    store, doc = _file_with_snapshots(path)
    n = len(snapshot_summaries(store, check=False))
    store.close()
    out = json.loads(wt("verify", path, "--json").stdout)
    assert out["ok"] and out["snapshots_checked"] == n and out["state_hash"] == doc.state_hash()


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_the_session_writes_snapshots_in_the_background_every_n_events(tmp_path, mode):
    path = tmp_path / "bg.wiretuner"
    with DocumentSession.create(path, artboard=None) as s:
        s.store.set_setting("snapshot_every_events", 25)
        s.store.set_setting("snapshot_worker", mode)
    events = random_events(9, 60)
    with DocumentSession.open(path) as s:
        assert s.snapshotter is not None and s.snapshotter.every_events == 25 and s.snapshotter.mode == mode
        for i in range(0, len(events), 3):
            s.apply(events[i : i + 3])
        s.snapshotter.wait_idle(30)
        assert not s.snapshotter.errors
        written = s.snapshotter.written
        seqs = [w["seq"] for w in written]
        # requests arriving while a snapshot is written collapse into the newest one
        assert seqs and seqs == sorted(set(seqs)) and seqs[0] >= 25 and seqs[-1] == s.snapshotter.last_seq
        assert max(s.snapshotter.handoff_ms) < 50  # the caller only hands over an immutable document
        final = s.doc.state_hash()
        last_snap = written[-1]["seq"]
        assert s.seq - last_snap < 25
    with EventStore.open(path, read_only=True) as store:
        res = load(store)
        assert res.snapshot_seq == last_snap and res.doc.state_hash() == final
        sums = snapshot_summaries(store)
        assert [x["seq"] for x in sums] == [w["seq"] for w in written] and all(x["hash_ok"] for x in sums)
        assert all(x["codec"] == "chunks1" and x["format"] == 2 and x["size"] > 0 for x in sums)


def test_a_format_1_file_still_opens_and_gains_snapshots_after_migration(tmp_path):
    golden = ROOT / "tests" / "fixtures" / "golden" / "format1.wiretuner"
    path = tmp_path / "old.wiretuner"
    path.write_bytes(golden.read_bytes())
    with EventStore.open(path, read_only=True) as store:
        assert store.format_version == 1
        h = load(store).doc.state_hash()
        assert snapshot_summaries(store) == []
    with DocumentSession.open(path) as s:
        assert s.store.format_version == SCHEMA_VERSION and s.doc.state_hash() == h
        SnapshotWriter(s.store).write(s.doc, s.seq)
    with EventStore.open(path, read_only=True) as store:
        res = load(store)
        assert res.snapshot_seq > 0 and res.doc.state_hash() == h


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(5, 60))
def test_reopening_from_a_snapshot_restores_the_same_undo_stacks_as_reading_the_whole_log(tmp_path_factory, seed, n):
    from tests.edits import random_edit
    from wiretuner_gl.store.undo import UndoHistory

    path = tmp_path_factory.mktemp("undo") / "u.wiretuner"
    with DocumentSession.create(path) as s:
        s.store.set_setting("snapshot_every_events", 7)
        s.store.set_setting("snapshot_worker", "thread")  # (a worker process per example would be slow)
        actor = s.actor
    r = random.Random(seed)
    with DocumentSession.open(path) as s:
        for _ in range(n):
            random_edit(s, r)
        s.snapshotter.wait_idle(30)
        live = (list(s.history.undo_stack), list(s.history.redo_stack))
    with DocumentSession.open(path) as again:
        assert again.skipped_snapshots == []
        full = UndoHistory(actor)
        full.feed_all((actor, g, c) for _, g, c in again.store.actor_groups(actor))
        assert (list(again.history.undo_stack), list(again.history.redo_stack)) == (list(full.undo_stack), list(full.redo_stack))
        assert (list(full.undo_stack), list(full.redo_stack)) == live
        h = again.doc.state_hash()
        undone = 0
        while again.history.can_undo:  # and the restored stacks work
            undone += again.undo().group is not None
        for _ in range(undone):
            assert again.redo().group is not None
        assert again.doc.state_hash() == h


def test_snapshots_continue_on_a_thread_when_the_worker_process_dies(tmp_path):
    path = tmp_path / "dies.wiretuner"
    with DocumentSession.create(path, artboard=None) as s:
        s.store.set_setting("snapshot_every_events", 20)
    events = random_events(13, 50)
    with DocumentSession.open(path) as s:
        snap = s.snapshotter
        assert snap.mode == "process"
        s.apply(events[:25])
        snap.wait_idle(60)
        assert snap.written, snap.errors
        snap._proc.kill()  # the worker this session started
        snap._proc.join(10)
        for i in range(25, len(events), 5):
            s.apply(events[i : i + 5])
        snap.wait_idle(60)
        assert snap.mode == "thread" and any("worker exited" in e for e in snap.errors)
        assert snap.written[-1]["seq"] == snap.last_seq
        final = s.doc.state_hash()
    with EventStore.open(path, read_only=True) as store:
        assert load(store).doc.state_hash() == final
        assert all(x["hash_ok"] for x in snapshot_summaries(store))


def test_inspect_checks_old_snapshots_for_damage_and_recent_ones_in_full(tmp_path):
    path = tmp_path / "many.wiretuner"
    store, doc = _file_with_snapshots(path, seed=17, steps=260, every=10)
    with store:
        seqs = [s["seq"] for s in snapshot_summaries(store, check=False)]
        assert len(seqs) > 25
        _damage_chunk_of(store, seqs[2])
        store.conn.execute("UPDATE snapshots SET state_hash = ? WHERE seq = ?", ("1" * 64, seqs[3]))
    default = {s["seq"]: s for s in json.loads(wt("inspect", path, "--json").stdout)["snapshots"]}
    assert default[seqs[2]]["hash_ok"] is False and default[seqs[2]]["checked"] == "integrity"
    assert default[seqs[3]]["hash_ok"] is None and default[seqs[3]]["checked"] == "integrity"
    assert all(default[s]["hash_ok"] is True and default[s]["checked"] == "state hash" for s in seqs[-20:])
    full = {s["seq"]: s for s in json.loads(wt("inspect", path, "--json", "--all-snapshots").stdout)["snapshots"]}
    assert full[seqs[2]]["hash_ok"] is False and full[seqs[3]]["hash_ok"] is False
    assert sum(1 for s in full.values() if s["hash_ok"] is False) == 2


@given(name=st.text(max_size=12), x=st.floats(allow_nan=False, allow_infinity=False), seed=st.integers(0, 2**32 - 1))
def test_fast_formatting_writes_the_same_bytes_as_the_generic_encoder(name, x, seed):
    """NodeEncoder formats chunks and fragments by hand: any name (quotes, controls, non-ASCII)
    and any finite float must come out exactly as json.dumps / canonical_json(encode(node))."""
    from dataclasses import replace as dc_replace

    from wiretuner_gl.store.snapshot_codec import fragment

    doc = reduce_all(Document(), random_events(seed, 20))
    enc = NodeEncoder()
    for node in list(doc.artboards.values()) + list(doc.layers.values()) + list(doc.objects.values()):
        node = dc_replace(node, name=name)
        if hasattr(node, "transform"):
            node = dc_replace(node, transform=(1.0, 0.0, -0.0, x, x, 3))
        _, chunk, _, frag, _ = enc._encode(node)
        assert chunk == encode_node(node)
        assert frag == fragment(node)


def test_opening_a_large_document_takes_its_node_graph_out_of_cyclic_gc(tmp_path):
    """The loaded graph is immutable and acyclic: after a large open it sits in the permanent
    generation (collections never traverse it) and is still freed when the session closes."""
    import gc

    from wiretuner_gl.events import types as T
    from wiretuner_gl.model.ids import keys_between
    from wiretuner_gl.model.nodes import Anchor, Path as PathNode, Subpath

    s = DocumentSession.create(tmp_path / "big.wiretuner")
    layer = s.doc.children(s.doc.children()[0])[0]
    orders = keys_between(None, None, 3000)
    anchors = tuple(Anchor(k, float(i), 2.0 * i) for i, k in enumerate(keys_between(None, None, 5)))
    s.apply([T.ObjectCreated(PathNode(f"path:t.{i}", layer, orders[i], (Subpath(anchors, True),))) for i in range(3000)])
    SnapshotWriter(s.store).write(s.committed, s.seq)
    s.close()
    gc.collect()
    gc.unfreeze()
    try:
        s = DocumentSession.open(tmp_path / "big.wiretuner", read_only=True)
        assert gc.get_freeze_count() > 9000  # (3,000 paths: node, subpath tuple, subpath, ...)
        assert gc.isenabled()
        assert s.doc.objects["path:t.7"].subpaths[0].anchors == anchors
        frozen = gc.get_freeze_count()
        s.close()
        del s
        assert gc.get_freeze_count() < frozen - 9000  # reference counting frees frozen objects
    finally:
        gc.unfreeze()


def test_a_moved_node_is_spliced_from_its_previous_encoding_with_the_same_bytes():
    """A node that differs from its previous version only in its transform reuses that version's
    chunk and fragment around the transform; styles with gradient transforms of their own included."""
    from dataclasses import replace as dc_replace

    from tests.history._gen import style
    from wiretuner_gl.store.snapshot_codec import fragment

    rng = random.Random(7)
    from wiretuner_gl.model.nodes import Path as PathNode, Shape

    doc = reduce_all(Document(), random_events(11, 120))
    enc = NodeEncoder()
    spliced = 0
    movable = sum(type(n) in (PathNode, Shape) for n in doc.objects.values())
    for node in doc.objects.values():
        if not hasattr(node, "transform"):
            continue
        node = dc_replace(node, style=style(rng)) if hasattr(node, "style") else node
        first = enc._encode(node)
        moved = dc_replace(node, transform=(1.0, 0.5, -0.25, 2.0, rng.uniform(-5, 5), 1e300))
        again = enc._encode(moved, first)
        spliced += again[4] is first[4] and first[4] is not None
        assert again[1] == encode_node(moved) and again[3] == fragment(moved)
        renamed = enc._encode(dc_replace(moved, name="x\"y"), again)  # another field: formatted afresh
        assert renamed[1] == encode_node(renamed[0]) and renamed[3] == fragment(renamed[0])
    assert movable >= 3 and spliced == movable


def test_a_dragged_anchor_is_spliced_into_the_previous_subpaths_encoding(monkeypatch):
    """Anchors replaced in place (a drag) reuse the other anchors' encoded rows and fragments;
    a changed kind, key or count is formatted afresh. Bytes as from scratch either way."""
    from dataclasses import replace as dc_replace

    from wiretuner_gl.model.ids import keys_between
    from wiretuner_gl.model.nodes import Anchor, Path as PathNode, Subpath
    from wiretuner_gl.store.snapshot_codec import fragment

    rng = random.Random(3)

    def sub(n, closed):
        return Subpath(tuple(Anchor(k, rng.uniform(-9, 9), rng.uniform(-9, 9), 0.5, -0.5, 1e-300, 0.0,
                                    rng.choice(["corner", "smooth"])) for k in keys_between(None, None, n)), closed)

    node = PathNode("path:t.1", "layer:t.2", "a0", (sub(6, True), sub(3, False), sub(9, True)))
    enc = NodeEncoder()
    entry = enc._encode(node)

    def moved(p, i, j, **kw):
        sps = list(p.subpaths)
        a = sps[i].anchors
        sps[i] = Subpath(a[:j] + (dc_replace(a[j], **kw),) + a[j + 1 :], sps[i].closed)
        return dc_replace(p, subpaths=tuple(sps))

    from wiretuner_gl.store import snapshot_codec

    real, spliced = snapshot_codec._splice_subpaths, []
    monkeypatch.setattr(snapshot_codec, "_splice_subpaths", lambda *a: spliced.append(real(*a)) or spliced[-1])
    steps = [moved(node, 0, 2, x=1.25), None, None, None]
    steps[1] = moved(moved(steps[0], 2, 8, y=-3.0, out_x=2.0), 1, 0, in_y=7.0)
    steps[2] = moved(steps[1], 1, 1, kind="symmetric")  # a new kind: the chunk's kinds change
    steps[3] = dc_replace(steps[2], subpaths=steps[2].subpaths[:2] + (sub(4, True),))  # other anchors
    for p in steps:
        entry = enc._encode(p, entry)
        assert entry[1] == encode_node(p) and entry[3] == fragment(p)
    assert [r is not None for r in spliced] == [True, True, False, False]  # drags spliced; kind, count: afresh
