"""Timeline: state_at(seq) anywhere equals replay to seq; the checkpoint cache stays under its measured cap."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.history.test_snapshots import _file_with_snapshots
from wiretuner_gl.errors import WireTunerError
from wiretuner_gl.model.document import Document
from wiretuner_gl.store import EventStore
from wiretuner_gl.store.loader import replay
from wiretuner_gl.store.snapshots import load_snapshot, snapshot_summaries
from wiretuner_gl.store.timeline import MemoryMeter, Timeline

ROOT = Path(__file__).resolve().parents[2]


def wt(*args):
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    path = tmp_path_factory.mktemp("tl") / "tl.wiretuner"
    store, doc = _file_with_snapshots(path, seed=21, steps=220, every=60)
    store.close()
    return path


def test_state_at_any_seq_equals_replaying_to_it(history):
    with EventStore.open(history, read_only=True) as store:
        last = store.last_seq()
        tl = Timeline(store)
        rng = random.Random(4)
        seqs = [0, 1, last] + [rng.randint(0, last) for _ in range(40)]
        for seq in seqs:
            want = replay(store, Document(), 1, seq, fast=False).doc
            got = tl.state_at(seq)
            assert got.state_hash() == want.state_hash(), seq
        assert tl.stats["snapshot_loads"] > 0 and tl.stats["hits"] > 0


def test_state_at_outside_the_log_is_a_clear_error(history):
    with EventStore.open(history, read_only=True) as store:
        with pytest.raises(WireTunerError, match=r"seq 999999 is outside the log \(0\.\."):
            Timeline(store).state_at(999999)


def test_the_cache_evicts_to_stay_under_its_cap(history):
    with EventStore.open(history, read_only=True) as store:
        one = MemoryMeter()
        size = one.add(Timeline(store).state_at(store.last_seq()))
        tl = Timeline(store, cap_bytes=3 * size)
        rng = random.Random(1)
        for _ in range(60):
            tl.state_at(rng.randint(0, store.last_seq()))
            assert tl.cache_bytes <= 3 * size or len(tl._cache) == 1
        assert tl.stats["evictions"] > 0


def test_the_memory_meter_agrees_with_tracemalloc(history):
    with EventStore.open(history, read_only=True) as store:
        seq = snapshot_summaries(store, check=False)[-1]["seq"]
        load_snapshot(store, seq)  # warm caches (styles, codecs) outside the measurement
        tracemalloc.start()
        a = tracemalloc.get_traced_memory()[0]
        doc = load_snapshot(store, seq)
        b = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        measured = MemoryMeter().add(doc)
        assert 0.5 * (b - a) <= measured <= 2.0 * (b - a), (measured, b - a)


def test_shared_nodes_are_counted_once(history):
    with EventStore.open(history, read_only=True) as store:
        tl = Timeline(store)
        last = store.last_seq()
        a = tl.state_at(last - 1)
        before = tl.cache_bytes
        tl.state_at(last)  # one event later: nearly every node is shared
        assert tl.cache_bytes - before < 0.5 * before


def test_snapshot_diff_names_added_removed_and_changed_objects(history):
    with EventStore.open(history, read_only=True) as store:
        last = store.last_seq()
        a, b = Timeline(store).state_at(last // 2), Timeline(store).state_at(last)
    res = wt("snapshot-diff", history, last // 2, last, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    na = {n.id: n for n in a.nodes()}
    nb = {n.id: n for n in b.nodes()}
    assert {x["id"] for x in out["added"]} == nb.keys() - na.keys()
    assert {x["id"] for x in out["removed"]} == na.keys() - nb.keys()
    changed = {x["id"] for x in out["changed"]}
    assert changed == {k for k in na.keys() & nb.keys() if na[k] != nb[k]}
    assert all(x["kind"] == nb[x["id"]].TAG and x["fields"] for x in out["changed"])
    assert "subpaths" not in json.dumps(out["added"])  # ids and kinds, no geometry
    text = wt("snapshot-diff", history, 0, last)
    assert text.returncode == 0 and "added" in text.stdout
    bad = wt("snapshot-diff", history, 0, 10**9)
    assert bad.returncode == 2 and "outside the log" in bad.stderr and bad.stderr.count("\n") == 1


def test_export_at_a_seq_writes_that_state(history, tmp_path):
    with EventStore.open(history, read_only=True) as store:
        seq = store.last_seq() // 3
        want = replay(store, Document(), 1, seq, fast=False).doc.state_hash()
    out = tmp_path / "at.json"
    res = wt("export", history, "-o", out, "--at", seq)
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text())["state_hash"] == want


def test_state_at_shares_one_cache_across_store_objects_and_notices_a_new_file(tmp_path):
    from wiretuner_gl.store.timeline import shared_timeline, state_at

    path = tmp_path / "shared.wiretuner"
    store, doc = _file_with_snapshots(path, seed=8, steps=60, every=30)
    seq = store.last_seq() - 3
    first = state_at(store, seq)
    store.close()
    with EventStore.open(path, read_only=True) as again:
        tl = shared_timeline(again)
        hits = tl.stats["hits"]
        assert state_at(again, seq) is first and tl.stats["hits"] == hits + 1
    store, doc2 = _file_with_snapshots(path, seed=9, steps=40, every=30)  # a new document at the same path
    store.close()
    with EventStore.open(path, read_only=True) as st:
        assert state_at(st, st.last_seq()).state_hash() == doc2.state_hash()
