"""frames.png: frame time per frame (wall and main-thread CPU) with the 16.67 ms line. Pillow
draws it so the capture needs nothing beyond the app's own dependencies."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from .summary import FRAME_BUDGET_MS, FrameRecord

W, H = 1000, 420
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 36, 40
WALL = (33, 113, 181)
CPU = (230, 126, 34)
BUDGET = (200, 30, 30)


def plot_frames(frames: list[FrameRecord], path: Path, title: str = "") -> None:
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    n = max(len(frames), 2)
    ys = sorted(f.frame_ms for f in frames)
    top = max(2 * FRAME_BUDGET_MS, (ys[int(0.99 * (len(ys) - 1))] if ys else 0) * 1.15)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def xy(i: int, ms: float) -> tuple[float, float]:
        return LEFT + pw * i / (n - 1), TOP + ph * (1 - min(ms, top) / top)

    d.rectangle([LEFT, TOP, LEFT + pw, TOP + ph], outline=(0, 0, 0))
    for k in range(6):  # y grid and labels
        ms = top * k / 5
        y = xy(0, ms)[1]
        d.line([LEFT, y, LEFT + pw, y], fill=(225, 225, 225))
        d.text((4, y - 6), f"{ms:6.1f}", fill=(0, 0, 0))
    for k in range(6):
        i = round((n - 1) * k / 5)
        d.text((xy(i, 0)[0] - 8, TOP + ph + 6), str(i), fill=(0, 0, 0))
    for series, color in ((lambda f: f.cpu_ms, CPU), (lambda f: f.frame_ms, WALL)):
        pts = [xy(i, series(f)) for i, f in enumerate(frames)]
        if len(pts) > 1:
            d.line(pts, fill=color, width=2)
        elif pts:
            d.ellipse([pts[0][0] - 2, pts[0][1] - 2, pts[0][0] + 2, pts[0][1] + 2], fill=color)
    for i, f in enumerate(frames):  # clipped frames marked at the top
        if f.frame_ms > top:
            x, _ = xy(i, top)
            d.polygon([(x - 4, TOP + 8), (x + 4, TOP + 8), (x, TOP)], fill=WALL)
    by = xy(0, FRAME_BUDGET_MS)[1]
    for x in range(LEFT, LEFT + pw, 12):  # dashed 16.67 ms line
        d.line([x, by, min(x + 7, LEFT + pw), by], fill=BUDGET, width=2)
    d.text((LEFT + pw - 150, by - 16), "16.67 ms (60 FPS)", fill=BUDGET)
    d.text((LEFT, 8), title or "frame time", fill=(0, 0, 0))
    d.text((LEFT + pw - 260, 8), "- wall ms", fill=WALL)
    d.text((LEFT + pw - 160, 8), "- main-thread CPU ms", fill=CPU)
    d.text((LEFT + pw // 2 - 20, H - 18), "frame", fill=(0, 0, 0))
    img.save(path)
