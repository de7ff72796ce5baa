"""Snapshot packs: closing a large document packs its newest snapshot; opening reads the pack,
and a pack that is damaged or names another manifest is ignored (the chunks are read instead)."""

from __future__ import annotations

import sqlite3

import pytest

from wiretuner_gl.events import types as T
from wiretuner_gl.model.ids import keys_between
from wiretuner_gl.model.nodes import Anchor, Path as PathNode, RectGeom, Shape, Subpath
from wiretuner_gl.store import DocumentSession
from wiretuner_gl.store import packs as P
from wiretuner_gl.store import snapshots as S
from wiretuner_gl.store.loader import replay
from wiretuner_gl.model.document import Document


@pytest.fixture
def small_packs(monkeypatch):
    monkeypatch.setattr(P, "PACK_MIN_CHUNKS", 50)


def _document(path, n=120):
    s = DocumentSession.create(path)
    layer = s.doc.children(s.doc.children()[0])[0]
    orders = keys_between(None, None, n)
    evs = []
    for i in range(n):
        if i % 2:
            anchors = tuple(Anchor(k, float(i), float(j)) for j, k in enumerate(keys_between(None, None, 3 + i % 7)))
            evs.append(T.ObjectCreated(PathNode(f"path:t.{i}", layer, orders[i], (Subpath(anchors, i % 3 == 0),))))
        else:
            evs.append(T.ObjectCreated(Shape(f"shape:t.{i}", layer, orders[i], RectGeom(float(i), 0.0, 5.0, 4.0))))
    s.apply(evs)
    S.SnapshotWriter(s.store).write(s.committed, s.seq)
    s.apply([T.ObjectTransformed("shape:t.0", (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (1.0, 0.0, 0.0, 1.0, 3.0, 4.0))])
    return s


def _no_chunk_reads(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("read the chunks although a valid pack exists")

    monkeypatch.setattr(S, "_chunks", refuse)


def test_closing_packs_the_newest_snapshot_and_opening_reads_the_pack(tmp_path, small_packs, monkeypatch):
    s = _document(tmp_path / "d.wiretuner")
    want = s.doc.state_hash()
    s.close()
    assert s.pack_report and s.pack_report["chunks"] >= 120
    with monkeypatch.context() as m:
        _no_chunk_reads(m)
        r = DocumentSession.open(tmp_path / "d.wiretuner", read_only=True)
        assert r.doc.state_hash() == want
        r.close()
    with DocumentSession.open(tmp_path / "d.wiretuner", read_only=True) as r:  # and without the pack, the same
        monkeypatch.setattr(P, "USE_PACKS", False)
        assert S.newest_valid(r.store)[1].state_hash() == replay(r.store, Document(), 1, r.store.last_seq() - 1).doc.state_hash()


def test_a_damaged_pack_is_ignored_and_the_chunks_are_read(tmp_path, small_packs):
    s = _document(tmp_path / "d.wiretuner")
    want = s.doc.state_hash()
    s.close()
    conn = sqlite3.connect(tmp_path / "d.wiretuner")
    data = bytearray(conn.execute("SELECT data FROM snapshot_packs").fetchone()[0])
    data[len(data) // 2] ^= 0x55
    conn.execute("UPDATE snapshot_packs SET data = ?", (bytes(data),))
    conn.commit()
    conn.close()
    with DocumentSession.open(tmp_path / "d.wiretuner", read_only=True) as r:
        assert r.doc.state_hash() == want
        packs = [x["pack"] for x in S.snapshot_summaries(r.store)]
        assert packs == ["ignored: fails its checks"]  # inspect says so


def test_a_pack_naming_another_manifest_is_ignored(tmp_path, small_packs, monkeypatch):
    s = _document(tmp_path / "d.wiretuner")
    want = s.doc.state_hash()
    s.close()
    conn = sqlite3.connect(tmp_path / "d.wiretuner")
    conn.execute("UPDATE snapshot_packs SET manifest_digest = 'x'")
    conn.commit()
    conn.close()
    chunk_reads = []
    real = S._chunks
    monkeypatch.setattr(S, "_chunks", lambda *a: chunk_reads.append(1) or real(*a))
    with DocumentSession.open(tmp_path / "d.wiretuner", read_only=True) as r:
        assert r.doc.state_hash() == want
    assert chunk_reads


def test_only_the_newest_snapshot_keeps_a_pack_and_small_documents_get_none(tmp_path, small_packs, monkeypatch):
    s = _document(tmp_path / "d.wiretuner")
    s.close()
    s = DocumentSession.open(tmp_path / "d.wiretuner")
    s.apply([T.ObjectTransformed("shape:t.2", (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (1.0, 0.0, 0.0, 1.0, 1.0, 1.0))])
    S.SnapshotWriter(s.store).write(s.committed, s.seq)
    newest = s.seq
    s.close()
    conn = sqlite3.connect(tmp_path / "d.wiretuner")
    assert conn.execute("SELECT seq FROM snapshot_packs").fetchall() == [(newest,)]
    conn.close()
    monkeypatch.setattr(P, "PACK_MIN_CHUNKS", 10_000)
    s = _document(tmp_path / "small.wiretuner")
    s.close()
    assert s.pack_report is None
