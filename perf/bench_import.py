"""Import speed (and fidelity) for the corpus: `python perf/bench_import.py [--repeat N] [--no-fidelity]`.

For each corpus SVG and .ai file: median import time (ms) and objects/s; for each SVG, CairoSVG's
parse + render of the same file to PNG in the same run, as a yardstick. Then, unless
--no-fidelity, the SVG fidelity pass rate per feature area through the GPU pipeline (resvg as
reference). Human-readable lines first; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm caches (imports, CSS parser tables)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-fidelity", action="store_true")
    args = ap.parse_args()

    import cairosvg

    from wiretuner_gl.io.ai_import import import_ai
    from wiretuner_gl.io.svg_import import import_svg

    out = {"machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(), "repeat": args.repeat, "files": {}}
    for f in sorted((CORPUS / "svg").glob("*.svg")) + sorted((CORPUS / "ai").glob("*.svg")) + sorted((CORPUS / "ai").glob("*.ai")):
        importer = import_ai if f.suffix == ".ai" else import_svg
        result = importer(f)
        n = len(result.doc.objects)
        ms = _median_ms(lambda: importer(f), args.repeat)
        row = {"kind": f.suffix[1:], "objects": n, "import_ms": round(ms, 2), "objects_per_s": round(n / (ms / 1000)), "warnings": len(result.report.warnings)}
        if f.suffix == ".svg":
            data = f.read_bytes()
            row["cairosvg_parse_render_ms"] = round(_median_ms(lambda: cairosvg.svg2png(bytestring=data), args.repeat), 2)
        out["files"][f"{f.parent.name}/{f.name}"] = row
        extra = f", CairoSVG parse+render {row['cairosvg_parse_render_ms']} ms" if "cairosvg_parse_render_ms" in row else ""
        print(f"{f.parent.name}/{f.name}: {n} objects, import {row['import_ms']} ms ({row['objects_per_s']} objects/s){extra}")

    if not args.no_fidelity:
        from tests.io.fidelity import fidelity_files, measure

        files = fidelity_files()
        fixtures = [x for x in files if x[0] != "corpus"]
        corpus = [x for x in files if x[0] == "corpus"]
        fid = measure(fixtures, size=200)
        fid_corpus = measure(corpus, size=800)
        fid["areas"]["corpus (800 px)"] = fid_corpus["areas"]["corpus"]
        fid["failures"] += fid_corpus["failures"]
        fid["passed"] += fid_corpus["passed"]
        fid["total"] += fid_corpus["total"]
        fid["rate"] = round(fid["passed"] / fid["total"], 3)
        out["fidelity"] = fid
        for area, r in fid["areas"].items():
            print(f"fidelity {area}: {r['passed']}/{r['total']}")
        print(f"fidelity overall: {fid['passed']}/{fid['total']} ({fid['rate']:.1%}); failing: {', '.join(n for n, _ in fid['failures'])}")
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
