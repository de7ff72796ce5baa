"""An import into an open document is one operation group: one undo step removes all of it."""

from __future__ import annotations

import re
from pathlib import Path

from wiretuner_gl.events.build import creation_events
from wiretuner_gl.io import _svg_path as P
from wiretuner_gl.io.ai_import import import_ai
from wiretuner_gl.io.svg_import import import_svg
from wiretuner_gl.store import DocumentSession

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "svg"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def test_svg_and_ai_imports_are_each_one_undo_step(doc_path):
    with DocumentSession.create(doc_path) as s:
        before = s.doc.state_hash()
        for result in (import_svg(FIX / "structure__use_of_group.svg", ids=s.ids), import_ai(CORPUS / "ai" / "xo-logo.ai", ids=s.ids)):
            s.apply(creation_events(result.doc))
        assert len(s.doc.artboards) == 3
        s.undo()
        assert len(s.doc.artboards) == 2
        s.undo()
        assert s.doc.state_hash() == before


def test_importing_the_same_file_twice_gives_distinct_ids(doc_path):
    with DocumentSession.create(doc_path) as s:
        for _ in range(2):
            s.apply(creation_events(import_svg(FIX / "shapes__many_shapes.svg", ids=s.ids).doc))
        assert s.doc.counts()["shape"] == 50


def test_fast_path_data_scanner_agrees_with_the_character_scanner():
    ds = []
    for f in sorted(FIX.glob("*.svg")) + sorted((CORPUS / "svg").glob("*.svg")):
        ds += re.findall(r' d="([^"]*)"', f.read_text(encoding="utf-8"))

    def run(d):
        out = []
        try:
            for c, a in P._scan(d):
                out.append((c, list(a)))
        except P.PathDataError:
            out.append("error")
        return out

    fast = [run(d) for d in ds]
    valid = P._VALID
    try:
        P._VALID = re.compile("(?!)")  # never matches: every string takes the character scanner
        slow = [run(d) for d in ds]
    finally:
        P._VALID = valid
    assert len(ds) > 2000 and fast == slow
