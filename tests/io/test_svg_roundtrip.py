"""Import, export with io/svg_export, render both with resvg: the picture survives the round trip,
and a second import of the export gives the same kinds and numbers of objects."""

from __future__ import annotations

import pytest

from wiretuner_gl.io.svg_export import export_svg
from wiretuner_gl.io.svg_import import import_svg

from .imagecmp import MAX_FRACTION, differing_fraction, resvg_render, write_diff
from .test_svg_fixtures_pdf import DIFFS, FILES, REFERENCE_LIMITS, REPORTED


@pytest.mark.parametrize("svg", [f for f in FILES if f.name not in REPORTED and f.name not in REFERENCE_LIMITS], ids=lambda p: p.stem)
def test_imported_then_exported_svg_renders_like_the_original(svg, tmp_path):
    first = import_svg(svg).doc
    out = tmp_path / "out.svg"
    export_svg(first, out)
    ours, ref = resvg_render(out, 200, 200), resvg_render(svg, 200, 200)
    frac = differing_fraction(ours, ref)
    if frac > MAX_FRACTION:
        write_diff(ours, ref, DIFFS / f"roundtrip-{svg.stem}.png")
    assert frac <= MAX_FRACTION
    second = import_svg(out).doc
    assert second.counts()["path"] + second.counts()["shape"] == first.counts()["path"] + first.counts()["shape"]
