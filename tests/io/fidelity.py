"""Fidelity of SVG import through the GPU pipeline: each fixture (and the corpus SVGs) imported,
rendered with `render_document` and with resvg at the same size, compared with the renderer
issue's rule. Used by tests/io/test_fidelity_gl.py and perf/bench_import.py."""

from __future__ import annotations

import collections
from pathlib import Path

from PIL import Image

from .imagecmp import MAX_FRACTION, differing_fraction, resvg_render, write_diff

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "svg"
CORPUS = ROOT.parent / "shared" / "corpus"


def fidelity_files() -> list[tuple[str, Path]]:
    out = [(f.name.split("__")[0], f) for f in sorted(FIXTURES.glob("*.svg"))]
    out += [("corpus", f) for f in sorted((CORPUS / "svg").glob("*.svg"))]
    return out


def measure(files=None, size: int = 200, diffs: Path | None = None) -> dict:
    from wiretuner_gl.io.svg_import import import_svg
    from wiretuner_gl.render.offscreen import render_document
    from wiretuner_gl.render.scene import SceneRenderer
    from wiretuner_gl.render.context import default_context

    renderer = SceneRenderer(default_context())
    per_area: dict[str, list] = collections.defaultdict(list)
    failures = []
    for area, f in files or fidelity_files():
        doc = import_svg(f).doc
        ab = next(iter(doc.artboards.values()))
        w, h = (size, max(1, round(size * ab.height / ab.width))) if ab.width >= ab.height else (max(1, round(size * ab.width / ab.height)), size)
        ref = resvg_render(f, w, h)
        rgba = render_document(doc, ref.width, ref.height, renderer=renderer)
        ours = Image.fromarray(rgba, "RGBA")
        frac = differing_fraction(ours, ref)
        ok = frac <= MAX_FRACTION
        per_area[area].append(ok)
        if not ok:
            failures.append((f.name, round(frac, 4)))
            if diffs is not None:
                write_diff(ours, ref, diffs / f"{f.stem}.png")
    areas = {a: {"passed": sum(v), "total": len(v), "rate": round(sum(v) / len(v), 3)} for a, v in sorted(per_area.items())}
    total = sum(a["total"] for a in areas.values())
    passed = sum(a["passed"] for a in areas.values())
    return {"areas": areas, "passed": passed, "total": total, "rate": round(passed / total, 3), "failures": failures}
