"""The renderer issue's image rule: both images over white; a pixel differs when any channel
differs by more than 40/255; more than 1.5% differing pixels fails. Failures write a diff image."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

THRESHOLD = 40
MAX_FRACTION = 0.015


def over_white(img: Image.Image) -> np.ndarray:
    img = img.convert("RGBA")
    bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(bg, img).convert("RGB"), dtype=np.int16)


def differing_fraction(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 1.0
    d = np.abs(over_white(a) - over_white(b)).max(axis=2) > THRESHOLD
    return float(d.mean())


def write_diff(a: Image.Image, b: Image.Image, out: Path) -> None:
    wa, wb = over_white(a), over_white(b)
    if wa.shape != wb.shape:
        return
    mask = (np.abs(wa - wb).max(axis=2) > THRESHOLD).astype(np.uint8) * 255
    strip = np.concatenate([wa, wb, np.stack([mask] * 3, axis=2)], axis=1).astype(np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(strip).save(out)


def resvg_render(svg_path: Path, w: int, h: int) -> Image.Image:
    import resvg_py

    png = resvg_py.svg_to_bytes(svg_path=str(svg_path), width=w, height=h, dpi=96.0, skip_system_fonts=True, languages=["en"])
    return Image.open(io.BytesIO(bytes(png)))


def pdf_page_render(pdf: Path, w: int, h: int, page: int = 1, supersample: int = 4) -> Image.Image:
    """Rasterise one PDF page with poppler's pdftoppm at exactly w x h.

    Rendered at 4x and box-averaged down: poppler's Splash snaps thin strokes to whole device
    pixels ("stroke adjustment"), which at 1x moves a 1-px line by half a pixel against any
    coverage-based anti-aliasing renderer; averaging 4x4 samples gives that coverage instead."""
    s = supersample
    out = subprocess.run(
        ["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to-x", str(w * s), "-scale-to-y", str(h * s), str(pdf)],
        check=True, capture_output=True, timeout=120,
    ).stdout
    img = Image.open(io.BytesIO(out)).convert("RGB")
    return img.resize((w, h), Image.BOX) if s != 1 else img
