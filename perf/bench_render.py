"""Rendering benchmarks: tessellation, frame submission, offscreen render; one JSON object last.

    python perf/bench_render.py            # full run
    python perf/bench_render.py --quick    # reduced run, under a minute

Scenes: ../shared/corpus/svg/{tiger,material_design_icons,kansas_flag}.svg imported with the
project's SVG importer (wiretuner_gl.io.svg_import), and a synthetic document of 10K paths
(seeded: rectangles, ellipses, stars and curved paths, a quarter stroked, some translucent).

Per scene:
Kernel figures (tess, flatten, earcut) are the best of N runs (robust on a shared 2-core machine;
medians are printed beside them); submit and render figures are medians.

- tess: flatten + tessellate every fill from scratch at 1x (the fills only, like lyon's figure),
  in the batched kernels the renderer uses for a from-scratch build (tess_per_object: one kernel
  call per path, as after an edit), beside mapbox-earcut triangulating the same flattened rings
  (earcut is not exact for self-intersecting or nonzero fills; it is the speed reference).
  compile: the renderer's whole from-scratch build (fills, strokes with joins/caps/dashes,
  gradient coordinates, packing into vertices), from the document.
- submit: CPU time of SceneRenderer.draw() for one frame of the fully cached scene (no
  readback, no finish), and the draw calls it issued. On llvmpipe the driver's vertex work runs
  inside the calls, so `submit_*_gl_ms` is the whole call; `submit_*_ms` is our own Python
  side of it (the time of the same draw with the GL calls answered by a recording stub).
- render: offscreen render at 1000x1000, wall ms, warm (scene cached, as an editor frame) with
  4x MSAA and with the export quality (4x MSAA at 2x2 supersampling), including readback;
  beside resvg-py (parse + render + PNG encode, its only API) and skia-python (SVGDOM render
  only, parse timed apart) of the same SVG in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import math
import platform
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

from wiretuner_gl.events.reducer import reduce_all  # noqa: E402
from wiretuner_gl.events.types import ArtboardCreated, LayerCreated, ObjectCreated  # noqa: E402
from wiretuner_gl.geometry.mesh import fill_triangles  # noqa: E402
from wiretuner_gl.geometry.outline import flatten, path_arrays, transform_scale  # noqa: E402
from wiretuner_gl.geometry.query import view_box_of, world_transform  # noqa: E402
from wiretuner_gl.io.svg_export import svg_string  # noqa: E402
from wiretuner_gl.model import (  # noqa: E402
    Anchor,
    Artboard,
    Color,
    Document,
    EllipseGeom,
    Layer,
    Path as PathNode,
    RectGeom,
    Shape,
    StarGeom,
    Stroke,
    Style,
    Subpath,
    keys_between,
)
from wiretuner_gl.render import SceneRenderer, create_context, fit_view, render_document  # noqa: E402
from wiretuner_gl.render.compile import TOLERANCE_PX, SceneCompiler  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpus" / "svg"


def ms(fn, repeat: int, best: bool = False) -> float:
    """Median (or, with best=True, the best) wall time of fn() in ms over `repeat` runs."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return min(out) if best else statistics.median(out)


def load_svg(name: str) -> tuple[Document, str]:
    from wiretuner_gl.io.svg_import import import_svg

    path = CORPUS / f"{name}.svg"
    return import_svg(path).doc, path.read_text(encoding="utf-8")


def synthetic(n: int = 10_000, seed: int = 1) -> Document:
    rng = random.Random(seed)
    ev = [ArtboardCreated(Artboard("artboard:b.1", "A", 0, 0, 1000, 1000, "a0", Color(1, 1, 1))), LayerCreated(Layer("layer:b.1", "artboard:b.1", "L", "a0"))]
    keys = keys_between(None, None, n)
    for i in range(n):
        x, y = rng.uniform(0, 1000), rng.uniform(0, 1000)
        s = rng.uniform(3, 14)
        col = Color(rng.random(), rng.random(), rng.random(), 1.0 if rng.random() < 0.8 else 0.6)
        stroke = Stroke(Color(0, 0, 0), rng.uniform(0.5, 2.0), rng.choice(["miter", "round", "bevel"])) if rng.random() < 0.25 else None
        style = Style(fill=col, stroke=stroke)
        k = i % 4
        if k == 0:
            ev.append(ObjectCreated(Shape(f"shape:b.{i}", "layer:b.1", keys[i], RectGeom(x, y, s, s * 0.7, 1, 1, 1, 1), style=style)))
        elif k == 1:
            ev.append(ObjectCreated(Shape(f"shape:b.{i}", "layer:b.1", keys[i], EllipseGeom(x, y, s, s * 0.6), style=style)))
        elif k == 2:
            ev.append(ObjectCreated(Shape(f"shape:b.{i}", "layer:b.1", keys[i], StarGeom(x, y, s, s * 0.45, 5), style=style)))
        else:
            m = rng.randint(3, 6)
            ak = keys_between(None, None, m)
            anchors = []
            for j in range(m):
                a = 2 * math.pi * j / m
                hx, hy = rng.uniform(-s, s) * 0.5, rng.uniform(-s, s) * 0.5
                anchors.append(Anchor(ak[j], x + s * math.cos(a), y + s * math.sin(a), -hx, -hy, hx, hy, "smooth"))
            ev.append(ObjectCreated(PathNode(f"path:b.{i}", "layer:b.1", keys[i], (Subpath(tuple(anchors), True),), style=style, fill_rule=rng.choice(["nonzero", "evenodd"]))))
    return reduce_all(Document(), ev)


def fill_rings(doc: Document):
    """(object, flattened rings) of every filled path/shape, flattened at 1x as the renderer does."""
    out = []
    for oid, o in doc.objects.items():
        if isinstance(o, (PathNode, Shape)) and o.style.fill is not None:
            s = transform_scale(world_transform(doc, oid))
            out.append((o, path_arrays(o), TOLERANCE_PX / max(s, 1e-12)))
    return out


def batch_inputs(items):
    """The concatenated arrays the renderer hands to flatten_many for a from-scratch build."""
    anchors = np.concatenate([a.anchors for _, a, _ in items])
    subs, starts, base = [0], [np.zeros(1, dtype=np.int64)], 0
    for _, a, _ in items:
        starts.append(a.sub_start[1:] + base)
        base += a.anchors.shape[0]
        subs.append(subs[-1] + a.closed.shape[0])
    rules = np.array([1 if getattr(o, "fill_rule", "nonzero") == "evenodd" else 0 for o, _, _ in items], dtype=np.int64)
    return (
        anchors,
        np.concatenate(starts),
        np.concatenate([a.closed for _, a, _ in items]),
        np.array(subs, dtype=np.int64),
        np.array([t for _, _, t in items], dtype=np.float64),
        rules,
    )


def bench_tess(doc: Document, repeat: int) -> dict:
    import mapbox_earcut

    from wiretuner_gl.geometry.flatten import flatten_many
    from wiretuner_gl.geometry.tessellate import tessellate_many

    items = fill_rings(doc)
    anchors, sub_start, closed, path_sub, tols, rules = batch_inputs(items)

    def ours():
        pts, rs, rc, co, path_ring = flatten_many(anchors, sub_start, closed, path_sub, tols)
        return tessellate_many(pts, rs, path_ring[:-1], path_ring[1:], rules)

    def per_object():
        for o, arr, tol in items:
            fill_triangles(flatten(arr, tol), o.fill_rule if isinstance(o, PathNode) else "nonzero")

    rings = [flatten(arr, tol) for o, arr, tol in items]

    def earcut():
        for r in rings:
            if r.points.shape[0] >= 3:
                mapbox_earcut.triangulate_float64(r.points, r.ring_start[1:].astype(np.uint32))

    ours()
    per_object()
    earcut()
    tris = ours()[0].shape[0] // 3

    def compile_all():
        SceneCompiler().compile(doc, 1.0)

    compile_all()
    return {
        "fills": len(items),
        "vertices": int(sum(r.points.shape[0] for r in rings)),
        "triangles": int(tris),
        "tess_ms": round(ms(ours, repeat, best=True), 3),
        "tess_median_ms": round(ms(ours, repeat), 3),
        "tess_per_object_ms": round(ms(per_object, repeat, best=True), 3),
        "flatten_ms": round(ms(lambda: flatten_many(anchors, sub_start, closed, path_sub, tols), repeat, best=True), 3),
        "earcut_ms": round(ms(earcut, repeat, best=True), 3),
        "earcut_median_ms": round(ms(earcut, repeat), 3),
        "compile_ms": round(ms(compile_all, max(1, repeat // 2)), 2),
    }


class _Stub:
    """Answers GL calls instantly, so the Python side of draw() can be timed alone."""

    def __getattr__(self, name):
        return self

    def __call__(self, *a, **k):
        return self

    def __getitem__(self, k):
        return self

    def __setitem__(self, k, v):
        pass


def bench_submit(ctx, doc: Document, repeat: int) -> dict:
    r = SceneRenderer(ctx)
    w = h = 1000
    tex = ctx.texture((w, h), 4)
    fbo = ctx.framebuffer(color_attachments=[tex])
    try:
        view, s = fit_view(view_box_of(doc), w, h)
        r.fixed_scale = s
        r.sync(doc, s)
        r.draw(view, (0, 0, w, h), framebuffer=fbo)
        ctx.finish()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            r.draw(view, (0, 0, w, h), framebuffer=fbo)
            times.append((time.perf_counter() - t) * 1000)
            ctx.finish()
        gl_ms = statistics.median(times)
        calls = r.draw_calls
        # the same draw with every GL object replaced by the stub: our own per-frame work
        real = (r.ctx, r.prog, r.comp, r._params_tex, r._ramps_tex, dict(r._vaos), dict(r._quads), dict(r._targets))
        stub = _Stub()
        r.ctx = stub
        r.prog = r.comp = r._params_tex = r._ramps_tex = stub
        r._vaos = {id(stub): stub}
        r._quads = {id(stub): stub}
        r._targets = {d: type("T", (), {"size": (w, h), "fbo": stub, "resolved": stub, "tex": stub})() for d in range(8)}
        py_ms = ms(lambda: r.draw(view, (0, 0, w, h), framebuffer=stub), repeat * 5)
        r.ctx, r.prog, r.comp, r._params_tex, r._ramps_tex, r._vaos, r._quads, r._targets = real
        return {"submit_gl_ms": round(gl_ms, 3), "submit_ms": round(py_ms, 4), "draw_calls": calls, "vertex_mb": round(r._cpu.nbytes / 1e6, 2)}
    finally:
        r.release()
        fbo.release()
        tex.release()


def bench_render(ctx, doc: Document, svg: str, repeat: int) -> dict:
    import resvg_py
    import skia

    vb = view_box_of(doc)
    r = SceneRenderer(ctx)
    try:
        def cold_render():
            fresh = SceneRenderer(ctx)
            try:
                render_document(doc, 1000, 1000, view_box=vb, renderer=fresh, supersample=1)
            finally:
                fresh.release()

        cold = ms(cold_render, 1)
        render_document(doc, 1000, 1000, view_box=vb, renderer=r, supersample=1)
        warm1 = ms(lambda: render_document(doc, 1000, 1000, view_box=vb, renderer=r, supersample=1), repeat)
        render_document(doc, 1000, 1000, view_box=vb, renderer=r, supersample=2)
        warm2 = ms(lambda: render_document(doc, 1000, 1000, view_box=vb, renderer=r, supersample=2), repeat)
    finally:
        r.release()
    resvg = ms(lambda: resvg_py.svg_to_bytes(svg_string=svg, width=1000, height=1000), repeat)
    data = svg.encode("utf-8")
    parse = ms(lambda: skia.SVGDOM.MakeFromStream(skia.MemoryStream(data)), repeat)
    dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream(data))
    dom.setContainerSize(skia.Size(1000, 1000))
    surf = skia.Surface(1000, 1000)

    def sk():
        with surf as c:
            c.clear(skia.ColorWHITE)
            dom.render(c)

    sk()
    return {
        "render_cold_ms": round(cold, 1),
        "render_ms": round(warm1, 1),
        "render_export_ms": round(warm2, 1),
        "resvg_ms": round(resvg, 1),
        "skia_ms": round(ms(sk, repeat), 1),
        "skia_parse_ms": round(parse, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced run, under a minute")
    args = ap.parse_args()
    repeat = 3 if args.quick else 21
    ctx = create_context(standalone=True)
    scenes: dict[str, tuple[Document, str]] = {}
    for name, key in (("tiger", "tiger"), ("material_design_icons", "icons"), ("kansas_flag", "kansas")):
        scenes[key] = load_svg(name)
    doc10k = synthetic(10_000)
    scenes["10k"] = (doc10k, svg_string(doc10k))
    info = ctx.info
    out: dict = {
        "machine": f"{platform.machine()} python {platform.python_version()}, {info['GL_RENDERER']}",
        "quick": args.quick,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "scenes": {},
    }
    for key, (doc, svg) in scenes.items():
        row = {"objects": len(doc.objects)}
        row.update(bench_tess(doc, repeat))
        row.update(bench_submit(ctx, doc, repeat))
        if not (args.quick and key in ("icons", "10k")):
            row.update(bench_render(ctx, doc, svg, max(2, repeat // 3)))
        out["scenes"][key] = row
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    t, k = out["scenes"]["tiger"], out["scenes"]["10k"]
    summary = {
        "tess_tiger_ms": t["tess_ms"],
        "earcut_tiger_ms": t["earcut_ms"],
        "submit_tiger_ms": t["submit_ms"],
        "submit_10k_ms": k["submit_ms"],
        "draw_calls_10k": k["draw_calls"],
        "render_tiger_ms": t["render_ms"],
        "resvg_tiger_ms": t["resvg_ms"],
        "skia_tiger_ms": t["skia_ms"],
    }
    print(json.dumps({**summary, **out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
