"""The comparison rule: both images over white; a pixel differs when any channel differs by
more than 40/255; a comparison fails when more than 1.5% of pixels differ. A failure writes
expected, actual and diff PNGs (to $WIRETUNER_TEST_ARTIFACTS or a temporary folder)."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
import resvg_py
from PIL import Image

THRESHOLD = 40
MAX_FRACTION = 0.015


def over_white(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.float64) / 255.0
    return np.round(rgba[..., :3].astype(np.float64) * a + 255.0 * (1.0 - a)).astype(np.int16)


def resvg_rgba(svg: str, width: int, height: int) -> np.ndarray:
    png = resvg_py.svg_to_bytes(svg_string=svg, width=width, height=height)
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"))


def differing(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.abs(over_white(expected) - over_white(actual)).max(axis=2) > THRESHOLD


def artifacts_dir() -> Path:
    d = os.environ.get("WIRETUNER_TEST_ARTIFACTS")
    p = Path(d) if d else Path(tempfile.gettempdir()) / "wiretuner-gl-failures"
    p.mkdir(parents=True, exist_ok=True)
    return p


def assert_similar(name: str, expected: np.ndarray, actual: np.ndarray) -> float:
    """Fails (writing name.expected/actual/diff.png) when the images differ by the rule."""
    assert expected.shape == actual.shape, f"{name}: size {actual.shape} != expected {expected.shape}"
    mask = differing(expected, actual)
    frac = float(mask.mean())
    if frac > MAX_FRACTION:
        d = artifacts_dir()
        Image.fromarray(expected).save(d / f"{name}.expected.png")
        Image.fromarray(actual).save(d / f"{name}.actual.png")
        diff = over_white(actual).astype(np.uint8) // 3 + 170
        diff[mask] = (255, 0, 0)
        Image.fromarray(diff.astype(np.uint8)).save(d / f"{name}.diff.png")
        raise AssertionError(f"{name}: {frac:.2%} of pixels differ by more than {THRESHOLD}/255 (limit {MAX_FRACTION:.1%}); images in {d}")
    return frac
