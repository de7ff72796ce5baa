"""Our own PDF export read back by the .ai importer (the PDF side of Illustrator files uses the same
operators): every fixture either comes back matching resvg's render of the original SVG, or the
import report names what was not kept. Nothing degrades silently."""

from __future__ import annotations

import pytest

from wiretuner_gl.io.ai_import import import_ai
from wiretuner_gl.io.pdf_export import export_pdf
from wiretuner_gl.io.svg_import import import_svg

from .imagecmp import MAX_FRACTION, differing_fraction, pdf_page_render, resvg_render
from .test_svg_fixtures_pdf import FILES, REFERENCE_LIMITS, REPORTED

pytestmark = pytest.mark.slow  # two PDF renders per fixture; runs on CI

DEGRADED = ("shading skipped", "tiling pattern", "soft mask", "blend mode", "function type")


@pytest.mark.parametrize("svg", [f for f in FILES if f.name not in REPORTED and f.name not in REFERENCE_LIMITS], ids=lambda p: p.stem)
def test_pdf_export_reimported_matches_or_reports(svg, tmp_path):
    export_pdf(import_svg(svg).doc, tmp_path / "a.ai")
    result = import_ai(tmp_path / "a.ai")
    export_pdf(result.doc, tmp_path / "b.pdf")
    frac = differing_fraction(pdf_page_render(tmp_path / "b.pdf", 200, 200), resvg_render(svg, 200, 200))
    if frac > MAX_FRACTION:
        assert any(k.startswith(DEGRADED) or any(d in k for d in DEGRADED) for k in result.report.counts), (
            f"{svg.name}: {frac:.1%} differs and the report is silent: {result.report.counts}"
        )
