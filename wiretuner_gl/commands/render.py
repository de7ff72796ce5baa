"""`wiretuner render IN -o OUT.png`: offscreen GPU render of a document or an SVG/AI file."""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import WireTunerError
from ..model.values import Color

NAME = "render"
HELP = "render .wiretuner, .json, .svg or .ai offscreen on the GPU pipeline into a PNG"

_NAMED = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "gray": "#808080",
    "grey": "#808080",
    "yellow": "#ffff00",
    "transparent": "#00000000",
}


def add_arguments(p) -> None:
    p.add_argument("input", help=".wiretuner, .json, .svg or .ai")
    p.add_argument("-o", "--output", required=True, help="the PNG to write")
    p.add_argument("--width", type=int, default=None, help="image width in pixels (default: the view box's)")
    p.add_argument("--height", type=int, default=None, help="image height in pixels (default: the view box's)")
    p.add_argument("--background", default=None, metavar="COLOR", help="#rgb, #rrggbb, #rrggbbaa, rgb(r,g,b) or a name")
    p.add_argument("--at", type=int, default=None, metavar="SEQ", help="a .wiretuner document as it was at this seq")


def parse_color(text: str) -> Color:
    t = text.strip().lower()
    t = _NAMED.get(t, t)
    m = re.fullmatch(r"#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})", t)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        vals = [int(h[i : i + 2], 16) / 255.0 for i in range(0, len(h), 2)]
        return Color(vals[0], vals[1], vals[2], vals[3] if len(vals) == 4 else 1.0)
    m = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)", t)
    if m:
        r, g, b = (min(255.0, float(v)) / 255.0 for v in m.groups()[:3])
        return Color(r, g, b, min(1.0, float(m.group(4))) if m.group(4) else 1.0)
    raise WireTunerError(f"--background: cannot read colour {text!r} (use #rrggbb, #rrggbbaa, rgb(r,g,b) or a name)")


def load_any(path: str, at: int | None):
    """The document in IN, whatever its kind."""
    ext = Path(path).suffix.lower()
    if at is not None and ext != ".wiretuner":
        raise WireTunerError(f"{path}: --at needs a .wiretuner document (its history), not a {ext or 'plain'} file")
    if ext == ".wiretuner":
        from .export import document_at

        return document_at(path, at)
    if ext == ".json":
        from ..io.json_io import load_json_document

        return load_json_document(Path(path))
    from ..io.guard import FileGuard
    from ..io.registry import IMPORTERS, importer_for
    from ._common import plugins_for

    plugins_for(path, IMPORTERS)
    importer = importer_for(path)
    src = FileGuard().check(path)
    return importer(src, FileGuard(root=Path(src).parent)).doc


def image_size(vb, width: int | None, height: int | None) -> tuple[int, int]:
    if width is None and height is None:
        return max(1, math.ceil(vb[2] - 1e-9)), max(1, math.ceil(vb[3] - 1e-9))
    if width is None:
        width = max(1, round(height * vb[2] / vb[3])) if vb[3] > 0 else height
    if height is None:
        height = max(1, round(width * vb[3] / vb[2])) if vb[2] > 0 else width
    if width <= 0 or height <= 0 or width > 16384 or height > 16384:
        raise WireTunerError(f"--width/--height: {width}x{height} is outside 1..16384")
    return width, height


def run(args) -> int:
    if not args.output.lower().endswith(".png"):
        raise WireTunerError(f"{args.output}: render writes PNG files (use `wiretuner export` for other formats)")
    background = parse_color(args.background) if args.background else None
    doc = load_any(args.input, args.at)
    from ..geometry.query import view_box_of
    from ..render.export_png import save_png
    from ..render.offscreen import render_document

    vb = view_box_of(doc)
    w, h = image_size(vb, args.width, args.height)
    save_png(render_document(doc, w, h, background=background, view_box=vb), Path(args.output))
    print(f"wrote {args.output} ({w}x{h})")
    return 0
