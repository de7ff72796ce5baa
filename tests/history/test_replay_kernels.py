"""Batched kernel replay equals the reducer event by event, from any snapshot (with and without the JIT)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, strategies as st

from tests.history._gen import random_events
from wiretuner_gl.errors import DocumentCorrupt
from wiretuner_gl.events import types as T
from wiretuner_gl.events.reducer import apply, reduce_all
from wiretuner_gl.events.replay_columnar import ReplayFailed, replay_events
from wiretuner_gl.model.document import Document
from wiretuner_gl.model.nodes import RectGeom, Shape
from wiretuner_gl.store import EventStore, loader
from wiretuner_gl.store.loader import replay
from wiretuner_gl.store.snapshot_codec import decode_nodes, document_from_nodes, encode_node

ROOT = Path(__file__).resolve().parents[2]


def _one_by_one(doc, events):
    for e in events:
        m = doc.mutate()
        apply(m, e)
        doc = m.finish()
    return doc


def _through_snapshot(doc: Document) -> Document:
    nodes = list(doc.artboards.values()) + list(doc.layers.values()) + list(doc.objects.values())
    decoded = decode_nodes([encode_node(n) for n in nodes])
    return document_from_nodes(decoded, (len(doc.artboards), len(doc.layers), len(doc.objects)))


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 60), split=st.floats(0, 1))
def test_kernel_replay_from_any_snapshot_equals_the_reducer_event_by_event(seed, steps, split):
    events = random_events(seed, steps)
    expected = _one_by_one(Document(), events)
    k = int(split * len(events))
    base = _through_snapshot(reduce_all(Document(), events[:k]))
    m = base.mutate()
    replay_events(m, events[k:], first_seq=k + 1)
    got = m.finish()
    assert got.state_hash() == expected.state_hash()
    assert got == expected


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(5, 40))
def test_kernel_replay_from_the_file_equals_reference_replay(tmp_path_factory, seed, steps):
    events = random_events(seed, steps)
    path = tmp_path_factory.mktemp("k") / "k.wiretuner"
    with EventStore.create(path, synchronous="OFF") as store:
        for i in range(0, len(events), 7):  # several transactions and groups
            store.append(events[i : i + 7], actor="t", group=f"g{i}")
        ref = replay(store, Document(), 1, fast=False)
        fast = replay(store, Document(), 1, fast=True)
        assert fast.seq == ref.seq == len(events)
        assert fast.doc.state_hash() == ref.doc.state_hash()
        mid = len(events) // 2
        part = replay(store, replay(store, Document(), 1, mid, fast=False).doc, mid + 1, fast=True)
        assert part.doc.state_hash() == ref.doc.state_hash()


def _bad_log(path):
    """A log whose event 5 cannot apply (moves an anchor that does not exist)."""
    events = random_events(7, 6)
    ok = [e for e in events if not isinstance(e, T.ObjectDeleted)][:3]
    store = EventStore.create(path, synchronous="OFF")
    store.append(ok, actor="t", group="g1")
    store.append([T.ArtboardResized("artboard:t.1", (0.0, 0.0, 800.0, 600.0), (1.0, 2.0, 3.0, 4.0))], actor="t", group="g2")
    store.append([T.AnchorMoved("path:nope", "a0", (0.0, 0.0), (1.0, 1.0)),
                  T.ArtboardResized("artboard:t.1", (1.0, 2.0, 3.0, 4.0), (5.0, 6.0, 7.0, 8.0))], actor="t", group="g3")
    return store, len(ok) + 2


@pytest.mark.parametrize("fast", [False, True])
def test_an_event_that_cannot_apply_is_named_by_seq_on_both_paths(tmp_path, fast):
    store, bad = _bad_log(tmp_path / "bad.wiretuner")
    with store:
        with pytest.raises(DocumentCorrupt) as info:
            replay(store, Document(), 1, fast=fast)
        assert info.value.seq == bad and f"event {bad} (AnchorMoved)" in str(info.value)
        rec = replay(store, Document(), 1, fast=fast, recover=True)
        ref = replay(store, Document(), 1, bad - 1, fast=False)
        assert rec.seq == bad - 1 and rec.damaged
        assert rec.doc.state_hash() == ref.doc.state_hash()


def test_a_geometric_event_on_the_wrong_kind_of_node_fails_like_the_reducer():
    events = random_events(3, 3)
    doc = reduce_all(Document(), events)
    with pytest.raises(ReplayFailed) as info:
        replay_events(doc.mutate(), [T.ShapeParametersChanged("layer:t.2", None, RectGeom(0, 0, 1, 1))], first_seq=9)
    assert info.value.seq == 9 and "does not apply to Layer" in str(info.value)


@pytest.mark.slow
def test_kernel_tests_pass_with_the_jit_disabled():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", HYPOTHESIS_PROFILE="ci")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)),
         "-k", "not jit_disabled", "-x"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert " passed" in res.stdout


def test_a_cold_open_of_a_small_document_does_not_load_the_kernels(tmp_path):
    path = tmp_path / "small.wiretuner"
    with EventStore.create(path, synchronous="OFF") as store:
        store.append(random_events(11, 30), actor="t", group="g")
    code = ("import sys; from wiretuner_gl.store import DocumentSession\n"
            f"s = DocumentSession.open({str(path)!r}); s.close()\n"
            "print('kernels' if 'wiretuner_gl.events._replay_numba' in sys.modules else 'none')")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "none"


def test_damaged_numeric_columns_are_named_by_seq(tmp_path):
    path = tmp_path / "g.wiretuner"
    events = [e for e in random_events(12, 30)]
    with EventStore.create(path, synchronous="OFF") as store:
        store.append(events, actor="t", group="g")
        seq = store.raw_rows("SELECT min(seq) FROM events WHERE gtarget IS NOT NULL")[0][0]
        store.conn.execute("UPDATE events SET gval = x'00' WHERE seq = ?", (seq,))
        with pytest.raises(DocumentCorrupt, match=f"event {seq} "):
            replay(store, Document(), 1, fast=True)


# --------------------------------------------------------------------------- replay from the file, window by window


def _log(path, events, chunk=7):
    store = EventStore.create(path, synchronous="OFF")
    for i in range(0, len(events), chunk):
        store.append(events[i : i + chunk], actor="t", group=f"g{i}")
    return store


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(5, 40), window=st.integers(1, 40))
def test_file_replay_in_many_windows_equals_the_reference(tmp_path_factory, seed, steps, window):
    """Small windows: geometric runs and structural events cut at every place, read on the helper thread."""
    events = random_events(seed, steps)
    with _log(tmp_path_factory.mktemp("w") / "w.wiretuner", events) as store, patch.object(loader, "_BATCH", window):
        ref = replay(store, Document(), 1, fast=False)
        fast = replay(store, Document(), 1, fast=True)
        assert fast.seq == ref.seq == len(events)
        assert fast.doc.state_hash() == ref.doc.state_hash()
        mid = len(events) // 3
        part = replay(store, replay(store, Document(), 1, mid, fast=False).doc, mid + 1, len(events) - 1, fast=True)
        assert part.seq == len(events) - 1
        assert part.doc.state_hash() == replay(store, Document(), 1, len(events) - 1, fast=False).doc.state_hash()


def test_a_gap_in_the_seqs_is_skipped_as_the_reference_skips_it(tmp_path):
    events = random_events(21, 40)
    with _log(tmp_path / "gap.wiretuner", events) as store, patch.object(loader, "_BATCH", 16):
        geo = [s for (s,) in store.raw_rows("SELECT seq FROM events WHERE gtarget IS NOT NULL ORDER BY seq")]
        store.conn.execute("DELETE FROM events WHERE seq IN (?, ?)", (geo[len(geo) // 2], geo[-1]))
        ref = replay(store, Document(), 1, fast=False)
        fast = replay(store, Document(), 1, fast=True)
        assert fast.seq == ref.seq and fast.doc.state_hash() == ref.doc.state_hash()


def test_a_window_read_out_of_seq_order_is_put_back_in_order(tmp_path):
    rows = [(7, "T\x1fa", 7.0), (3, "T\x1fb", 3.0), (5, "T\x1fc", 5.0)]
    agg = (",".join(str(s) for s, _, _ in rows), b"".join(np.full(10, v).tobytes() for _, _, v in rows),
           "\x1e".join(t for _, t, _ in rows), 3, 3)
    seqs, targets, vals, bad = loader.read_geometric(None, 3, 7, agg)
    assert seqs.tolist() == [3, 5, 7] and targets == ["T\x1fb", "T\x1fc", "T\x1fa"]
    assert vals[:, 0].tolist() == [3.0, 5.0, 7.0] and bad is None


def test_an_id_holding_the_target_separators_replays_like_the_reference(tmp_path):
    """\\x1e joins targets in a window and \\x1f separates their parts: such ids take the row path / JSON."""
    events = random_events(5, 10)
    doc = reduce_all(Document(), events)
    odd = [Shape(f"shape:odd{sep}{i}", "layer:t.2", f"z{i}", RectGeom(0.0, 0.0, 1.0, 1.0)) for i, sep in enumerate("\x1e\x1f")]
    more = [T.ObjectCreated(s) for s in odd]
    for k in range(30):
        for s in odd:
            more.append(T.ObjectTransformed(s.id, (1.0, 0.0, 0.0, 1.0, float(k), 0.0), (1.0, 0.0, 0.0, 1.0, k + 1.0, 2.0)))
    assert reduce_all(doc, more)  # applies
    with _log(tmp_path / "odd.wiretuner", events + more, chunk=50) as store:
        ref = replay(store, Document(), 1, fast=False)
        fast = replay(store, Document(), 1, fast=True)
        assert fast.seq == ref.seq and fast.doc.state_hash() == ref.doc.state_hash()


# 80 bytes of text whose kind code would truncate to 3 (ObjectTransformed) if read as a gval
_TEXT_LIKE_A_GVAL = "CAST(x'010101010101084001' AS TEXT) || printf('%71s', 'x')"


@pytest.mark.parametrize("damage", ["x'00'", "NULL", "printf('%80s', 'x')", "zeroblob(88)", "12.5", _TEXT_LIKE_A_GVAL])
def test_damaged_numeric_columns_stop_replay_at_their_seq_in_any_window(tmp_path, damage):
    """Text of 80 characters, a wrong length, a number or NULL: named by seq; recover keeps everything before it."""
    events = random_events(12, 40)
    with _log(tmp_path / "d.wiretuner", events) as store, patch.object(loader, "_BATCH", 32):
        geo = [s for (s,) in store.raw_rows("SELECT seq FROM events WHERE gtarget LIKE 'T' || char(31) || '%' ORDER BY seq")]
        bad = geo[2 * len(geo) // 3]  # a transform: text read as its gval would pass a truncated kind check
        store.conn.execute(f"UPDATE events SET gval = {damage} WHERE seq = ?", (bad,))
        with pytest.raises(DocumentCorrupt, match=f"event {bad} ") as info:
            replay(store, Document(), 1, fast=True)
        assert info.value.seq == bad
        rec = replay(store, Document(), 1, fast=True, recover=True)
        assert rec.seq == bad - 1 and rec.damaged
        assert rec.doc.state_hash() == replay(store, Document(), 1, bad - 1, fast=False).doc.state_hash()


def test_rows_changed_in_an_open_transaction_replay_as_that_connection_sees_them(tmp_path):
    """The helper thread reads on a second connection, which cannot see an open transaction: then
    replay reads on the store's own connection only."""
    from dataclasses import replace as dc_replace

    from wiretuner_gl.events.geocols import columns
    from wiretuner_gl.events.record import event_payload
    from wiretuner_gl.store.file import _crc

    events = random_events(12, 40)
    with _log(tmp_path / "tx.wiretuner", events) as store, patch.object(loader, "_BATCH", 8):
        seq = store.raw_rows("SELECT max(seq) FROM events WHERE kind = 'ObjectTransformed'")[0][0]
        e = dc_replace(events[seq - 1], after=(2.0, 0.0, 0.0, 2.0, 5.0, 6.0))
        payload = event_payload(e)
        store.conn.execute("BEGIN")
        store.conn.execute("UPDATE events SET payload = ?, crc = ?, gval = ? WHERE seq = ?",
                           (payload, _crc(e.KIND, e.VERSION, payload), columns(e)[1], seq))
        ref = replay(store, Document(), 1, fast=False)
        fast = replay(store, Document(), 1, fast=True)
        store.conn.execute("ROLLBACK")
        assert fast.doc.state_hash() == ref.doc.state_hash()
        assert ref.doc.state_hash() != replay(store, Document(), 1, fast=False).doc.state_hash()


def test_a_file_replaced_under_an_open_store_is_not_read_for_it(tmp_path):
    """The helper thread's connection opens the path again: if another file is there now, replay
    keeps to the store's own connection (the file it opened)."""
    events = random_events(14, 40)
    path = tmp_path / "doc.wiretuner"
    with _log(path, events) as store, patch.object(loader, "_BATCH", 8):
        ref = replay(store, Document(), 1, fast=False)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the pages are in the file, not in the -wal beside it
        other = tmp_path / "other.wiretuner"
        _log(other, events[:-1] + [T.ObjectTransformed("nope", (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (1.0,) * 6)]).close()
        os.replace(other, path)
        fast = replay(store, Document(), 1, fast=True)
        assert fast.seq == ref.seq and not fast.damaged
        assert fast.doc.state_hash() == ref.doc.state_hash()
