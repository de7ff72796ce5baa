"""Document core figures: durable appends per second (fsync) and opening a 10K-event document.

    python perf/bench_core.py [--events 10000] [--appends 2000]

Prints a human summary and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wiretuner_gl.events import types as T
from wiretuner_gl.model import RectGeom, Shape
from wiretuner_gl.store import DocumentSession, EventStore, load


def _pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def append_bench(path: Path, n: int, synchronous: str) -> dict:
    """n single-event transactions (one per edit, as the editor does), each durable on return."""
    s = DocumentSession.create(path)
    s.store.conn.execute(f"PRAGMA synchronous = {synchronous}")
    layer = s.doc.children(s.doc.children()[0])[0]
    sh = Shape(s.ids.new("shape"), layer, s.next_order(layer), RectGeom(0, 0, 10, 10))
    s.apply([T.ObjectCreated(sh)])
    times = []
    prev = sh.transform
    t_all = time.perf_counter()
    for i in range(n):
        nxt = (1.0, 0.0, 0.0, 1.0, float(i), float(i % 7))
        t0 = time.perf_counter()
        s.apply([T.ObjectTransformed(sh.id, prev, nxt)])
        times.append((time.perf_counter() - t0) * 1000)
        prev = nxt
    total = time.perf_counter() - t_all
    s.close()
    return {"events_per_s": n / total, "p50_ms": _pct(times, 50), "p99_ms": _pct(times, 99)}


def make_doc(path: Path, events: int) -> None:
    s = DocumentSession.create(path)
    layer = s.doc.children(s.doc.children()[0])[0]
    ids = []
    n = 1
    s.store.conn.execute("PRAGMA synchronous = OFF")  # build fast: this measures opening, not writing
    while n < events - 2:
        if len(ids) < 500 or n % 3 == 0:
            sh = Shape(s.ids.new("shape"), layer, s.next_order(layer), RectGeom(n % 900, n % 700, 20, 20))
            s.apply([T.ObjectCreated(sh)])
            ids.append(sh.id)
        else:
            oid = ids[n % len(ids)]
            s.apply([T.ObjectTransformed(oid, s.doc.objects[oid].transform, (1.0, 0.0, 0.0, 1.0, float(n), 1.0))])
        n += 1
    s.close()


def open_bench(path: Path, repeat: int = 7) -> dict:
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with EventStore.open(path, read_only=True) as store:
            load(store)
        warm.append((time.perf_counter() - t0) * 1000)
    code = (
        "import time; t=time.perf_counter();"
        "from wiretuner_gl.store import DocumentSession;"
        f"s=DocumentSession.open({str(path)!r}, read_only=True); s.doc.state_hash();"
        "print((time.perf_counter()-t)*1000)"
    )
    cold = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    return {"warm_ms_median": statistics.median(warm), "warm_ms_min": min(warm), "process_ms_incl_imports": cold}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--appends", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:  # on the project's disk, not tmpfs
        tmp = Path(tmp)
        full = append_bench(tmp / "a.wiretuner", args.appends, "FULL")
        normal = append_bench(tmp / "b.wiretuner", args.appends, "NORMAL")
        make_doc(tmp / "c.wiretuner", args.events)
        with EventStore.open(tmp / "c.wiretuner", read_only=True) as st:
            n_events = st.count()
        opened = open_bench(tmp / "c.wiretuner")
    print(f"append, synchronous=FULL:   {full['events_per_s']:.0f} events/s, p50 {full['p50_ms']:.3f} ms, p99 {full['p99_ms']:.3f} ms")
    print(f"append, synchronous=NORMAL: {normal['events_per_s']:.0f} events/s, p50 {normal['p50_ms']:.3f} ms, p99 {normal['p99_ms']:.3f} ms")
    print(f"open {n_events} events by full replay: warm median {opened['warm_ms_median']:.1f} ms, "
          f"new process incl. imports {opened['process_ms_incl_imports']:.1f} ms")
    print(json.dumps({
        "append_full_eps": round(full["events_per_s"]), "append_full_p50_ms": round(full["p50_ms"], 3),
        "append_full_p99_ms": round(full["p99_ms"], 3), "append_normal_eps": round(normal["events_per_s"]),
        "append_normal_p99_ms": round(normal["p99_ms"], 3), "open_events": n_events,
        "open_replay_warm_ms": round(opened["warm_ms_median"], 1),
        "open_process_ms": round(opened["process_ms_incl_imports"], 1),
    }))


if __name__ == "__main__":
    main()
