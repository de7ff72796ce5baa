"""History at speed: open, replay, snapshot, seek and append figures, one JSON object last.

    python perf/bench_history.py            # full run (generates a 1M-event document once, cached)
    python perf/bench_history.py --quick    # reduced: under a minute

Documents come from perf/gen_doc.py and are cached in perf/out/ (delete them to regenerate).
Keys: open_10k_ms, open_1m_ms (+ open_1m_peak_rss_mb), replay_geometric_eps, replay_mixed_eps,
snapshot_p95_ms, snapshot_block_ms, seek_p95_ms, seek_cache_mb, append_p50_ms, append_p99_ms
(synchronous=FULL) and append_normal_p50_ms / append_normal_p99_ms (synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from perf.gen_doc import generate  # noqa: E402
from wiretuner_gl.events import types as T  # noqa: E402
from wiretuner_gl.model.document import Document  # noqa: E402
from wiretuner_gl.model.ids import keys_between  # noqa: E402
from wiretuner_gl.model.nodes import Anchor, Artboard, EllipseGeom, Layer, Path as PathNode, RectGeom, Shape, Subpath  # noqa: E402
from wiretuner_gl.store import DocumentSession, EventStore  # noqa: E402
from wiretuner_gl.store.loader import load, replay  # noqa: E402
from wiretuner_gl.store.packs import write_pack  # noqa: E402
from wiretuner_gl.store.timeline import Timeline  # noqa: E402

OUT = HERE / "out"


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def doc_file(events: int, seed: int = 1) -> Path:
    OUT.mkdir(exist_ok=True)
    from wiretuner_gl.store.snapshots import CODEC

    path = OUT / f"hist_{events}_{seed}_{CODEC}.wiretuner"  # regenerated when the snapshot codec changes
    if not path.exists():
        log(f"generating {path.name} ...")
        info = generate(path.with_suffix(".tmp"), events, seed)
        path.with_suffix(".tmp").rename(path)
        log(f"  {info}")
    # as the editor leaves a document it closes: the file at the current schema, and (for a large
    # document) its newest snapshot packed (DocumentSession.close -> packs.write_pack)
    with EventStore.open(path) as st:
        packed = write_pack(st)
    if packed:
        log(f"  packed {path.name}: {packed}")
    return path


# --------------------------------------------------------------------------- open


def bench_open(path: Path, repeats: int) -> dict:
    # warm: page cache, imports, style cache; then the median of `repeats` opens
    for _ in range(2):
        DocumentSession.open(path, read_only=True).close()
    times, load_times = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        s = DocumentSession.open(path, read_only=True)
        times.append((time.perf_counter() - t) * 1e3)
        s.close()
        with EventStore.open(path, read_only=True) as st:
            t = time.perf_counter()
            load(st)
            load_times.append((time.perf_counter() - t) * 1e3)
    return {"session_ms": statistics.median(times), "load_ms": statistics.median(load_times)}


_OPEN_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from wiretuner_gl.store import DocumentSession, EventStore
from wiretuner_gl.store.loader import load
path = {path!r}
t = time.perf_counter(); s = DocumentSession.open(path, read_only=True); cold = time.perf_counter() - t
counts = s.doc.counts(); s.close()
warm = []
for _ in range(3):
    t = time.perf_counter(); s = DocumentSession.open(path, read_only=True); warm.append(time.perf_counter() - t); s.close()
lt = []
for _ in range(3):
    with EventStore.open(path, read_only=True) as st:
        t = time.perf_counter(); r = load(st); lt.append(time.perf_counter() - t)
from wiretuner_gl.store import packs
packs.USE_PACKS = False  # as after a crash: no pack for the newest snapshot
nopack = []
for _ in range(3):
    t = time.perf_counter(); s = DocumentSession.open(path, read_only=True); nopack.append(time.perf_counter() - t); s.close()
print(json.dumps({{"cold_ms": cold * 1e3, "session_ms": sorted(warm)[1] * 1e3, "load_ms": sorted(lt)[1] * 1e3,
                  "session_nopack_ms": sorted(nopack)[1] * 1e3,
                  "snapshot_seq": r.snapshot_seq, "objects": counts,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def bench_open_child(path: Path) -> dict:
    code = _OPEN_CHILD.format(root=str(HERE.parent), path=str(path))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    if res.returncode:
        raise RuntimeError(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- replay


def geometric_file(n_events: int, seed: int = 2) -> tuple[Path, int]:
    """A document of 300 paths (4-200 anchors) and 300 shapes, then n geometric events (drags)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"geo_{n_events}_{seed}.wiretuner"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())["first_geometric"]
    log(f"generating {path.name} ...")
    rng = random.Random(seed)
    store = EventStore.create(path, overwrite=True, synchronous="OFF")
    ab = Artboard("artboard:g.1", "A", 0.0, 0.0, 2000.0, 2000.0, "a0")
    layer = Layer("layer:g.2", ab.id, "L", "a0")
    evs = [T.ArtboardCreated(ab), T.LayerCreated(layer)]
    orders = keys_between(None, None, 600)
    paths, shapes = [], []
    for i in range(300):
        n = min(200, 4 + int(rng.lognormvariate(2.3, 0.9)))
        anchors = tuple(Anchor(k, rng.uniform(0, 2000), rng.uniform(0, 2000)) for k in keys_between(None, None, n))
        p = PathNode(f"path:g.{i + 10}", layer.id, orders[i], (Subpath(anchors, True),))
        paths.append(p)
        evs.append(T.ObjectCreated(p))
    for i in range(300):
        s = Shape(f"shape:g.{i + 1000}", layer.id, orders[300 + i], RectGeom(rng.uniform(0, 2000), rng.uniform(0, 2000), 50.0, 40.0))
        shapes.append(s)
        evs.append(T.ObjectCreated(s))
    store.append(evs, actor="g", group="setup")
    first = store.last_seq() + 1
    done = 0
    g = 0
    while done < n_events:
        samples = rng.randint(5, 40)
        c = rng.random()
        batch = []
        if c < 0.45:
            p = rng.choice(paths)
            a = rng.choice(p.subpaths[0].anchors)
            kind = rng.random() < 0.75
            for i in range(samples):
                if kind:
                    batch.append(T.AnchorMoved(p.id, a.key, (a.x, a.y), (a.x + i * 0.7, a.y - i * 0.3)))
                else:
                    batch.append(T.HandlesMoved(p.id, a.key, (0.0, 0.0, 0.0, 0.0), (-i * 0.5, i * 0.2, i * 0.5, -i * 0.2)))
        elif c < 0.9:
            sel = [rng.choice(paths + shapes) for _ in range(rng.choice([1, 1, 2, 4]))]
            for i in range(samples):
                for o in sel:
                    batch.append(T.ObjectTransformed(o.id, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (1.0, 0.0, 0.0, 1.0, i * 1.5, i * 0.5)))
        else:
            s = rng.choice(shapes)
            for i in range(samples):
                batch.append(T.ShapeParametersChanged(s.id, s.geom, EllipseGeom(s.geom.x, s.geom.y, 10.0 + i, 8.0 + i)
                                                      if i % 7 == 6 else RectGeom(s.geom.x, s.geom.y, 50.0 + i, 40.0 + i)))
        batch = batch[: n_events - done]
        g += 1
        store.append(batch, actor="g", group=f"d{g}")
        done += len(batch)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    meta.write_text(json.dumps({"first_geometric": first}))
    return path, first


def bench_replay_geometric(n_events: int) -> dict:
    from wiretuner_gl.events.replay_columnar import ColumnarReplayer
    from wiretuner_gl.store.loader import _aggregate, read_geometric

    path, first = geometric_file(n_events)
    with EventStore.open(path, read_only=True) as st:
        base = replay(st, Document(), 1, first - 1, fast=False).doc
        replay(st, base, first, first + 5000, fast=True)  # load the kernels (cached compile)
        best = None
        for _ in range(3):
            t = time.perf_counter()
            r = replay(st, base, first, fast=True)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        # the two halves alone, one after the other on one thread (replay overlaps them on two):
        # reading the columns (SQLite aggregate + numpy, one window), then kernel + node rebuild
        read_best = None
        for _ in range(3):
            t = time.perf_counter()
            agg = _aggregate(st.conn, first, r.seq)
            seqs, gts, vals, _ = read_geometric(st.conn, first, r.seq, agg)
            dt = time.perf_counter() - t
            read_best = dt if read_best is None else min(read_best, dt)
        del agg
        apply_best = None
        for _ in range(3):
            rep = ColumnarReplayer(base.mutate())
            t = time.perf_counter()
            rep.geometric(seqs, gts, vals)
            rep.finish()
            dt = time.perf_counter() - t
            apply_best = dt if apply_best is None else min(apply_best, dt)
        ref_n = min(n_events, 50_000)
        t = time.perf_counter()
        ref_doc = replay(st, base, first, first + ref_n - 1, fast=False).doc
        ref = time.perf_counter() - t
        same = replay(st, base, first, first + ref_n - 1, fast=True).doc.state_hash() == ref_doc.state_hash()
        n = r.seq - first + 1
    return {"events": n, "eps": n / best, "read_eps": n / read_best, "apply_eps": n / apply_best,
            "reference_eps": ref_n / ref, "hash_equal": same}


def bench_replay_mixed(path: Path) -> dict:
    with EventStore.open(path, read_only=True) as st:
        n = st.last_seq()
        replay(st, Document(), 1, min(n, 20000), fast=True)  # warm kernels
        best = None
        for _ in range(2):
            t = time.perf_counter()
            r = replay(st, Document(), 1, fast=True)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        ref_n = min(n, 100_000)
        t = time.perf_counter()
        ref = replay(st, Document(), 1, ref_n, fast=False)
        ref_dt = time.perf_counter() - t
        same = replay(st, Document(), 1, ref_n, fast=True).doc.state_hash() == ref.doc.state_hash()
        kinds = dict(st.raw_rows("SELECT gtarget IS NOT NULL, count(*) FROM events GROUP BY 1"))
    return {"events": n, "eps": n / best, "reference_eps": ref_n / ref_dt, "hash_equal": same,
            "geometric_share": kinds.get(1, 0) / n}


# --------------------------------------------------------------------------- snapshots


def bench_snapshots(n_objects: int, n_snapshots: int, tmp: Path) -> dict:
    """A session editing a document of n objects; the snapshotter writes every 500 events."""
    rng = random.Random(5)
    path = tmp / "snap.wiretuner"
    s = DocumentSession.create(path, overwrite=True)
    # editing figures, not fsync figures: NORMAL keeps the loop fast; the append bench measures FULL
    s.store.conn.execute("PRAGMA synchronous = NORMAL")
    layer = s.doc.children(s.doc.children()[0])[0]
    orders = keys_between(None, None, n_objects)
    evs, paths = [], []
    snap = s.snapshotter
    snap.every_events = 10**9  # not during the import
    for i in range(n_objects):
        if i % 2:
            n = min(200, 4 + int(rng.lognormvariate(2.3, 0.9)))
            p = PathNode(f"path:b.{i}", layer, orders[i], (Subpath(tuple(Anchor(k, rng.uniform(0, 2000), rng.uniform(0, 2000))
                                                                          for k in keys_between(None, None, n)), True),))
            paths.append(p)
            evs.append(T.ObjectCreated(p))
        else:
            evs.append(T.ObjectCreated(Shape(f"shape:b.{i}", layer, orders[i], RectGeom(rng.uniform(0, 2000), 0.0, 30.0, 20.0))))
        if len(evs) == 500:
            s.apply(evs)
            evs = []
    if evs:
        s.apply(evs)
    anchors = sum(len(sp.anchors) for p in paths for sp in p.subpaths)
    from wiretuner_gl.store.snapshots import SnapshotWriter

    t = time.perf_counter()
    cold = SnapshotWriter(s.store).write(s.committed, s.seq)  # a first, full snapshot, encoded from nothing
    cold_ms = (time.perf_counter() - t) * 1e3
    snap.start()  # the worker loads that snapshot and warms its caches
    t = time.perf_counter()
    snap.request(s.committed, s.seq)
    snap.wait_idle(300)
    warmup_ms = (time.perf_counter() - t) * 1e3
    snap.written.clear()
    snap.last_seq = s.seq
    snap.every_events = 500
    ids = list(s.doc.objects.keys())
    apply_ms, apply_during = [], []
    for _ in range(n_snapshots * 100 + 50):  # ~5 events per sample: ~100 samples per snapshot
        sel = [rng.choice(ids) for _ in range(5)]
        batch = [T.ObjectTransformed(o, s.doc.objects[o].transform, (1.0, 0.0, 0.0, 1.0, rng.uniform(-9, 9), rng.uniform(-9, 9)))
                 for o in dict.fromkeys(sel[:4])]
        p = rng.choice(paths)
        a = s.doc.objects[p.id].subpaths[0].anchors[0]
        batch.append(T.AnchorMoved(p.id, a.key, (a.x, a.y), (a.x + 1.0, a.y)))
        busy = snap.busy
        t = time.perf_counter()
        s.apply(batch)
        (apply_during if busy else apply_ms).append((time.perf_counter() - t) * 1e3)
        time.sleep(0.001)  # a user's drag is paced; leaves the snapshot thread room as the GIL would
    snap.wait_idle(120)
    written = [w["total_ms"] for w in snap.written]
    enc = [w["encode_ms"] for w in snap.written]
    cpu = [w["cpu_ms"] for w in snap.written]
    parts = {k: pct([w[k] for w in snap.written], 95) for k in ("nodes_ms", "hash_ms")}
    changed = statistics.mean(w["changed"] for w in snap.written)
    s.close()
    size = path.stat().st_size
    return {"objects": n_objects, "anchors": anchors, "snapshots": len(written), "p95_ms": pct(written, 95),
            "p50_ms": pct(written, 50), "encode_p95_ms": pct(enc, 95), "cpu_p95_ms": pct(cpu, 95),
            "nodes_p95_ms": parts["nodes_ms"], "hash_p95_ms": parts["hash_ms"], "changed_nodes_mean": changed, "cold_ms": cold_ms, "cold_bytes": cold["size"],
            "worker_warmup_ms": warmup_ms, "mode": snap.mode,
            "handoff_max_ms": max(snap.handoff_ms), "handoff_p99_ms": pct(snap.handoff_ms, 99), "apply_p99_ms": pct(apply_ms, 99) if apply_ms else None,
            "apply_p99_during_snapshot_ms": pct(apply_during, 99) if apply_during else None,
            "file_mb": size / 2**20}


# --------------------------------------------------------------------------- seek


def bench_seek(path: Path, n: int) -> dict:
    with EventStore.open(path, read_only=True) as st:
        last = st.last_seq()
        tl = Timeline(st)
        tl.state_at(last // 2)  # kernels loaded, as after the first frame
        rng = random.Random(9)
        times = []
        peak = 0
        for _ in range(n):
            seq = rng.randint(0, last)
            t = time.perf_counter()
            tl.state_at(seq)
            times.append((time.perf_counter() - t) * 1e3)
            peak = max(peak, tl.cache_bytes)
        return {"seeks": n, "p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "max_ms": max(times),
                "cache_mb": peak / 2**20, "cached_states": len(tl._cache), **tl.stats}


# --------------------------------------------------------------------------- append


def bench_append(tmp: Path, n: int, synchronous: str) -> dict:
    path = tmp / f"append_{synchronous}.wiretuner"
    store = EventStore.create(path, overwrite=True, synchronous=synchronous)
    ab = Artboard("artboard:p.1", "A", 0.0, 0.0, 100.0, 100.0, "a0")
    store.append([T.ArtboardCreated(ab)], actor="p", group="g0")
    times = []
    for i in range(n):
        e = T.ArtboardResized(ab.id, (0.0, 0.0, 100.0, 100.0), (0.0, 0.0, 100.0 + i, 100.0))
        t = time.perf_counter()
        store.append([e], actor="p", group=f"g{i + 1}")
        times.append((time.perf_counter() - t) * 1e3)
    store.close()
    return {"p50_ms": pct(times, 50), "p99_ms": pct(times, 99)}


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="history benchmarks")
    ap.add_argument("--quick", action="store_true", help="reduced sizes: under a minute")
    a = ap.parse_args(argv)
    q = a.quick
    t0 = time.perf_counter()
    import tempfile

    res: dict = {"machine": machine(), "mode": "quick" if q else "full"}
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        d10k = doc_file(10_000)
        d100k = doc_file(100_000)
        o = bench_open(d10k, 15 if q else 40)
        res["open_10k_ms"], res["load_10k_ms"] = o["session_ms"], o["load_ms"]
        log("open 10k", o)
        big = d100k if q else doc_file(1_000_000)
        ob = bench_open_child(big)
        key = "open_100k" if q else "open_1m"
        res[f"{key}_ms"], res[f"{key}_load_ms"], res[f"{key}_cold_ms"] = ob["session_ms"], ob["load_ms"], ob["cold_ms"]
        res[f"{key}_peak_rss_mb"], res[f"{key}_objects"] = ob["peak_rss_mb"], ob["objects"]
        res[f"{key}_nopack_ms"] = ob["session_nopack_ms"]
        if q:
            res["open_1m_ms"] = None  # the quick run does not build the 1M-event document
        log("open big", ob)
        g = bench_replay_geometric(200_000 if q else 1_000_000)
        res["replay_geometric_eps"], res["replay_geometric_apply_eps"] = g["eps"], g["apply_eps"]
        res["replay_geometric_read_eps"], res["replay_geometric_hash_equal"] = g["read_eps"], g["hash_equal"]
        res["replay_geometric_reference_eps"], res["replay_geometric_events"] = g["reference_eps"], g["events"]
        log("geometric", g)
        mx = bench_replay_mixed(d100k if q else big)
        res["replay_mixed_eps"], res["replay_mixed_reference_eps"] = mx["eps"], mx["reference_eps"]
        res["replay_mixed_events"], res["replay_mixed_geometric_share"] = mx["events"], mx["geometric_share"]
        res["replay_mixed_hash_equal"] = mx["hash_equal"]
        log("mixed", mx)
        sn = bench_snapshots(10_000, 5 if q else 20, tmp)
        res["snapshot_p95_ms"], res["snapshot_block_ms"] = sn["p95_ms"], sn["handoff_max_ms"]
        res["snapshot_cpu_p95_ms"], res["snapshot_block_p99_ms"] = sn["cpu_p95_ms"], sn["handoff_p99_ms"]
        res["snapshot_apply_p99_idle_ms"] = sn["apply_p99_ms"]
        res["snapshot_apply_p99_during_ms"] = sn["apply_p99_during_snapshot_ms"]
        res["snapshot"] = sn
        log("snapshots", sn)
        sk = bench_seek(d100k, 200 if q else 1000)
        res["seek_p95_ms"], res["seek_cache_mb"] = sk["p95_ms"], sk["cache_mb"]
        res["seek"] = sk
        log("seek", sk)
        full = bench_append(tmp, 200 if q else 1000, "FULL")
        normal = bench_append(tmp, 200 if q else 1000, "NORMAL")
        res["append_p50_ms"], res["append_p99_ms"] = full["p50_ms"], full["p99_ms"]
        res["append_normal_p50_ms"], res["append_normal_p99_ms"] = normal["p50_ms"], normal["p99_ms"]
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
