"""Chrome trace event format (the JSON object form), as Perfetto and chrome://tracing read it:
complete slices ("ph": "X", microsecond `ts`/`dur`, nested by time on one pid/tid), counters
("ph": "C") and metadata ("ph": "M", process and thread names). Spec:
https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
"""

from __future__ import annotations

import functools
import os
import time
from contextlib import contextmanager
from typing import Callable

MAIN_TID = 1


class Tracer:
    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.clock = clock
        self.t0 = clock()
        self.pid = os.getpid()
        self.events: list[dict] = []
        self.enabled = True

    def now_us(self) -> float:
        return (self.clock() - self.t0) * 1e6

    def add_slice(self, name: str, cat: str, ts_us: float, dur_us: float, args: dict | None = None,
                  tid: int = MAIN_TID) -> None:
        ev = {"name": name, "cat": cat, "ph": "X", "ts": round(ts_us, 3), "dur": round(max(dur_us, 0.0), 3),
              "pid": self.pid, "tid": tid}
        if args:
            ev["args"] = args
        self.events.append(ev)

    @contextmanager
    def slice(self, name: str, cat: str = "app", args: dict | None = None):
        t = self.now_us()
        try:
            yield
        finally:
            if self.enabled:
                self.add_slice(name, cat, t, self.now_us() - t, args)

    def counter(self, name: str, values: dict[str, float]) -> None:
        if self.enabled:
            self.events.append({"name": name, "ph": "C", "ts": round(self.now_us(), 3), "pid": self.pid,
                                "tid": MAIN_TID, "args": {k: round(float(v), 3) for k, v in values.items()}})

    def wrap(self, obj, attr: str, name: str | Callable[..., str], cat: str) -> Callable[[], None]:
        """Trace every call of `obj.attr` as a slice (instance attribute, so only this object is
        affected); returns the function that restores it."""
        original = getattr(obj, attr)
        had_own = attr in getattr(obj, "__dict__", {})

        @functools.wraps(original)
        def traced(*args, **kw):
            with self.slice(name(*args, **kw) if callable(name) else name, cat):
                return original(*args, **kw)

        setattr(obj, attr, traced)

        def restore():
            if had_own:
                setattr(obj, attr, original)
            else:
                try:
                    delattr(obj, attr)
                except AttributeError:
                    pass

        return restore

    def to_json(self, *, process: str = "wiretuner", threads: dict[int, str] | None = None,
                metadata: dict | None = None) -> dict:
        meta = [{"name": "process_name", "ph": "M", "pid": self.pid, "tid": MAIN_TID, "args": {"name": process}}]
        for tid, tname in (threads or {MAIN_TID: "main thread"}).items():
            meta.append({"name": "thread_name", "ph": "M", "pid": self.pid, "tid": tid, "args": {"name": tname}})
        # parents before children at equal start times (slices are recorded when they end)
        body = sorted(self.events, key=lambda e: (e["ts"], -e.get("dur", 0.0)))
        return {"traceEvents": meta + body, "displayTimeUnit": "ms", "otherData": metadata or {}}


def validate(data: dict) -> list[str]:
    """Problems that would stop a trace viewer reading `data` or nest its slices wrongly ([] if none)."""
    problems = []
    evs = data.get("traceEvents") if isinstance(data, dict) else None
    if not isinstance(evs, list):
        return ["no traceEvents list"]
    if data.get("displayTimeUnit", "ms") not in ("ms", "ns"):
        problems.append(f"displayTimeUnit {data.get('displayTimeUnit')!r} is not 'ms' or 'ns'")
    stacks: dict[tuple, list[tuple[float, float, str]]] = {}
    for i, e in enumerate(evs):
        ph = e.get("ph")
        if ph not in ("X", "C", "M", "B", "E", "i", "I"):
            problems.append(f"event {i}: unknown phase {ph!r}")
            continue
        for k in ("name", "pid", "tid") if ph != "C" else ("name", "pid"):
            if k not in e:
                problems.append(f"event {i} ({ph}): no {k}")
        if ph == "M":
            if not isinstance(e.get("args", {}).get("name"), str):
                problems.append(f"event {i}: metadata without args.name")
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            problems.append(f"event {i} ({e.get('name')}): ts {ts!r} is not a non-negative number")
            continue
        if ph == "C":
            args = e.get("args")
            if not isinstance(args, dict) or not args or not all(isinstance(v, (int, float)) for v in args.values()):
                problems.append(f"event {i} ({e.get('name')}): a counter needs numeric args")
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                problems.append(f"event {i} ({e.get('name')}): dur {dur!r} is not a non-negative number")
                continue
            stack = stacks.setdefault((e.get("pid"), e.get("tid")), [])
            end = ts + dur
            while stack and stack[-1][1] <= ts + 1e-3:
                stack.pop()
            if stack and end > stack[-1][1] + 1e-3:
                problems.append(f"event {i} ({e['name']}): overlaps {stack[-1][2]} without nesting in it")
            stack.append((ts, end, e["name"]))
    return problems
