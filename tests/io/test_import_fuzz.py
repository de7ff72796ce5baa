"""Mutated SVG and PDF (.ai) bytes thrown at both importers: each returns a result or raises a
clean WireTunerError, never anything else, and within a time bound."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretuner_gl.errors import WireTunerError
from wiretuner_gl.io.ai_import import import_ai
from wiretuner_gl.io.guard import FileGuard
from wiretuner_gl.io.registry import ImportResult
from wiretuner_gl.io.svg_import import import_svg

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "svg"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SVG_SEEDS = [p.read_bytes() for p in sorted(FIX.glob("*.svg"))[::7]]
AI_SEEDS = [p.read_bytes() for p in sorted((CORPUS / "ai").glob("*.ai"))]
TIME_BOUND_S = 10.0

pytestmark = pytest.mark.fault


@st.composite
def mutated(draw, seeds):
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[i:i] = draw(st.sampled_from([b"<", b">", b"&", b"\"", b"<g>", b"</g>", b"<!ENTITY a 'b'>", b"e999", b"-1e308",
                                             b" d=\"M0 0 A1e308 1 0 1 1 1e308 0\"", b"999999999", b"q", b"Q", b"cm", b"\x00", b"/Type"]))
        elif kind == "delete":
            del data[i : i + draw(st.integers(1, 64))]
        elif kind == "truncate":
            del data[i:]
        else:
            j = draw(st.integers(0, len(data) - 1))
            data[i:i] = data[j : j + draw(st.integers(1, 256))]
    return bytes(data)


def _check(importer, path: Path) -> None:
    t = time.perf_counter()
    try:
        result = importer(path, FileGuard(root=path.parent))
        assert isinstance(result, ImportResult)
        result.doc.state_hash()  # the document is well-formed enough to hash
    except WireTunerError:
        pass
    assert time.perf_counter() - t < TIME_BOUND_S


@settings(max_examples=400)
@given(mutated(SVG_SEEDS))
def test_mutated_svg_gives_a_result_or_a_clean_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fz") / "f.svg"
    p.write_bytes(data)
    _check(import_svg, p)


@settings(max_examples=200)
@given(mutated(AI_SEEDS))
def test_mutated_ai_gives_a_result_or_a_clean_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fz") / "f.ai"
    p.write_bytes(data)
    _check(import_ai, p)
