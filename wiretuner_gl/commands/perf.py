"""`wiretuner perf capture [FILE] ...` and `wiretuner perf compare A B`."""

from __future__ import annotations

import sys
from pathlib import Path

from ._common import emit_json

NAME = "perf"
HELP = "frame-time captures (trace.json for Perfetto/chrome://tracing, frames.csv, summary.json, frames.png) and their comparison"


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="perf_command", required=True, metavar="{capture,compare}")
    c = sub.add_parser("capture", help="open the editor with N windows, drive a scenario, record every frame")
    c.add_argument("file", nargs="?", help=".wiretuner/.svg/.ai/.json (a copy is used); default: a generated scene")
    c.add_argument("--windows", type=int, default=1, help="windows: the main window plus N-1 artboard windows (default 1)")
    c.add_argument("--frames", type=int, default=300, help="frames to capture (default 300)")
    c.add_argument("--scenario", choices=("idle", "pan", "zoom", "edit", "replay"), default="pan")
    c.add_argument("--objects", type=int, default=2000, help="objects in the generated scene (default 2000)")
    c.add_argument("-o", "--out", required=True, help="output folder")
    c.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    k = sub.add_parser("compare", help="differences between two captures; exit 1 when B's p95 regressed")
    k.add_argument("a", help="capture folder (or its summary.json): the baseline")
    k.add_argument("b", help="capture folder (or its summary.json): the candidate")
    k.add_argument("--threshold", type=float, default=10.0, help="p95 regression threshold in percent (default 10)")
    k.add_argument("--min-ms", type=float, default=0.5, help="ignore p95 changes smaller than this (default 0.5 ms)")
    k.add_argument("--json", action="store_true")


def run(args) -> int:
    if args.perf_command == "capture":
        return _capture(args)
    return _compare(args)


def _capture(args) -> int:
    from ..app.capture import run_capture

    out = Path(args.out)
    s = run_capture(Path(args.file) if args.file else None, out, windows=args.windows, frames=args.frames,
                    scenario=args.scenario, objects=args.objects, command=["wiretuner"] + sys.argv[1:])
    if args.json:
        emit_json({k: v for k, v in s.items() if k != "machine"} | {"out": str(out)})
        return 0
    f, c = s["frame_ms"], s["cpu_ms"]
    print(f"{s['scenario']}, {s['windows']} window(s), {s['frames']} frames on {s['machine']['gl_renderer']}")
    print(f"frame ms p50 {f['p50']}  p95 {f['p95']}  p99 {f['p99']}  max {f['max']}; "
          f"1% low {s['fps_1pct_low']} FPS; {s['frames_over_16_67ms']} frames over 16.67 ms")
    print(f"CPU ms p50 {c['p50']}  p95 {c['p95']}; CPU share {s['cpu_share']:.0%}")
    print(f"wrote {out}/trace.json, frames.csv, summary.json, frames.png")
    return 0


def _compare(args) -> int:
    from ..perf.summary import compare, load_summary

    a, b = load_summary(args.a), load_summary(args.b)
    res = compare(a, b, threshold=args.threshold / 100.0, min_ms=args.min_ms)
    if args.json:
        emit_json(res)
    else:
        for w in ("scenario", "windows", "frames"):
            if a.get(w) != b.get(w):
                print(f"note: {w} differs: {a.get(w)} vs {b.get(w)}")
        print(f"{'metric':<22} {'A':>10} {'B':>10} {'change':>9}")
        for r in res["rows"]:
            ch = "n/a" if r["change"] is None else f"{r['change']:+.1%}"
            print(f"{r['metric']:<22} {r['a']:>10} {r['b']:>10} {ch:>9}")
        verdict = "REGRESSED" if res["regressed"] else "ok"
        print(f"p95 frame time {res['p95_a']} -> {res['p95_b']} ms: {verdict} "
              f"(threshold {args.threshold:g}% and {args.min_ms:g} ms)")
    return 1 if res["regressed"] else 0
