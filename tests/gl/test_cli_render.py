"""`wiretuner render` and `wiretuner export` (.svg, .png) end to end, through the real CLI."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from wiretuner_gl.cli import main
from wiretuner_gl.events.build import creation_events
from wiretuner_gl.io.json_io import export_json
from wiretuner_gl.io.svg_export import svg_string
from wiretuner_gl.model import Color, EllipseGeom, RectGeom, StarGeom, Stroke, Style
from wiretuner_gl.store import DocumentSession

from .imagecmp import assert_similar, resvg_rgba
from .scenes import BLUE, RED, B, fill, _lin

pytestmark = pytest.mark.gl


def _doc():
    b = B(0, 0, 200, 100)
    b.shape(RectGeom(0, 0, 100, 100), fill(RED))
    b.shape(EllipseGeom(150, 50, 40, 40), Style(fill=_lin(x=(110, 0, 190, 0)), stroke=Stroke(BLUE, 4, dash=(6, 3))))
    return b.doc()


def _wiretuner(tmp_path, doc):
    path = tmp_path / "doc.wiretuner"
    s = DocumentSession.create(str(path), artboard=None, actor="test")
    events = creation_events(doc)
    for e in events:  # one operation per node, so --at can stop part-way
        s.apply([e])
    s.close()
    return path, len(events)


def test_render_json_to_exact_size_with_background(ctx, tmp_path, capsys):
    src = tmp_path / "doc.json"
    export_json(_doc(), src)
    out = tmp_path / "out.png"
    assert main(["render", str(src), "-o", str(out), "--width", "300", "--height", "300", "--background", "#ffffff"]) == 0
    img = np.asarray(Image.open(out).convert("RGBA"))
    assert img.shape == (300, 300, 4)
    # 200x100 fitted into 300x300 (meet): scale 1.5, centred vertically
    assert tuple(img[5, 5]) == (255, 255, 255, 255)
    assert tuple(img[150, 50][:3]) == pytest.approx((219, 26, 31), abs=2)


def test_render_defaults_to_the_view_box_size_and_transparent(ctx, tmp_path):
    src = tmp_path / "doc.json"
    export_json(_doc(), src)
    out = tmp_path / "out.png"
    assert main(["render", str(src), "-o", str(out)]) == 0
    img = np.asarray(Image.open(out).convert("RGBA"))
    assert img.shape == (100, 200, 4) and img[2, 198, 3] == 0


def test_render_at_seq_shows_the_earlier_document(ctx, tmp_path):
    path, n = _wiretuner(tmp_path, _doc())
    early, late = tmp_path / "early.png", tmp_path / "late.png"
    assert main(["render", str(path), "-o", str(early), "--at", str(n - 1), "--width", "200"]) == 0
    assert main(["render", str(path), "-o", str(late), "--width", "200"]) == 0
    e = np.asarray(Image.open(early).convert("RGBA"))
    l_ = np.asarray(Image.open(late).convert("RGBA"))
    assert e.shape == (100, 200, 4)
    assert e[50, 150, 3] == 0 and l_[50, 150, 3] == 255  # the ellipse is the last event
    assert tuple(e[50, 50]) == tuple(l_[50, 50])


def test_render_svg_input_through_the_importer(ctx, tmp_path):
    svg = tmp_path / "in.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 50 50"><circle cx="25" cy="25" r="20" fill="#00f"/></svg>')
    out = tmp_path / "out.png"
    assert main(["render", str(svg), "-o", str(out), "--width", "100", "--height", "100"]) == 0
    img = np.asarray(Image.open(out).convert("RGBA"))
    assert tuple(img[50, 50]) == (0, 0, 255, 255) and img[2, 2, 3] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.json"], "missing.json"),
        (["{json}", "--background", "notacolour"], "--background"),
        (["{json}", "--at", "3"], "--at"),
        (["{json}", "--width", "0"], "--width"),
    ],
)
def test_render_bad_input_is_one_clear_line_and_exit_2(tmp_path, args, message):
    src = tmp_path / "doc.json"
    export_json(_doc(), src)
    args = [a.replace("{json}", str(src)) for a in args]
    r = subprocess.run(
        [sys.executable, "-m", "wiretuner_gl.cli", "render", *args, "-o", str(tmp_path / "o.png")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr


def test_export_svg_is_clean_svg_11_and_renders_like_the_document(ctx, tmp_path):
    path, _ = _wiretuner(tmp_path, _doc())
    out = tmp_path / "out.svg"
    assert main(["export", str(path), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("version") == "1.1"
    assert root.get("viewBox") == "0 0 200 100"
    tags = [el.tag.split("}")[1] for el in root.iter()]
    assert "rect" in tags and "ellipse" in tags and "linearGradient" in tags
    png = tmp_path / "out.png"
    assert main(["export", str(path), "-o", str(png)]) == 0
    ours = np.asarray(Image.open(png).convert("RGBA"))
    assert ours.shape == (100, 200, 4)
    assert_similar("export_svg_vs_png", resvg_rgba(out.read_text(), 200, 100), ours)


def test_export_one_artboard_uses_its_view_box(ctx, tmp_path):
    b = B(50, 60, 40, 30)
    b.shape(StarGeom(70, 75, 14, 6, 5), fill(Color(0, 0, 0)))
    text = svg_string(b.doc(), "artboard:t.1")
    root = ET.fromstring(text)
    assert root.get("viewBox") == "50 60 40 30" and root.get("width") == "40"
    assert "polygon" in text and 'fill="#000000"' in text
