"""A window's view of the canvas: zoom and pan, screen <-> document coordinates. Pure values."""

from __future__ import annotations

from dataclasses import dataclass, replace

MIN_ZOOM = 1 / 64
MAX_ZOOM = 256.0


@dataclass(frozen=True, slots=True)
class View:
    """screen = document * zoom + (pan_x, pan_y); width/height are the window size in pixels."""

    width: int = 1280
    height: int = 800
    zoom: float = 1.0
    pan_x: float = 0.0
    pan_y: float = 0.0

    def to_doc(self, sx: float, sy: float) -> tuple[float, float]:
        return ((sx - self.pan_x) / self.zoom, (sy - self.pan_y) / self.zoom)

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        return (x * self.zoom + self.pan_x, y * self.zoom + self.pan_y)

    def panned(self, dx: float, dy: float) -> "View":
        return replace(self, pan_x=self.pan_x + dx, pan_y=self.pan_y + dy)

    def zoomed_at(self, factor: float, sx: float, sy: float) -> "View":
        """Zoom by factor keeping the document point under screen (sx, sy) fixed."""
        z = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom * factor))
        x, y = self.to_doc(sx, sy)
        return replace(self, zoom=z, pan_x=sx - x * z, pan_y=sy - y * z)

    def at_zoom(self, zoom: float) -> "View":
        return self.zoomed_at(zoom / self.zoom, self.width / 2, self.height / 2)

    def fit(self, x: float, y: float, w: float, h: float, margin: float = 24.0, area=None) -> "View":
        """Show the rectangle (x, y, w, h) centred with `margin` pixels around it, in the window or
        in `area` (ax, ay, aw, ah: the part of the window not covered by panels)."""
        ax, ay, aw, ah = area if area is not None else (0.0, 0.0, self.width, self.height)
        w, h = max(w, 1e-6), max(h, 1e-6)
        z = min((aw - 2 * margin) / w, (ah - 2 * margin) / h)
        z = min(MAX_ZOOM, max(MIN_ZOOM, z))
        return replace(self, zoom=z, pan_x=ax + aw / 2 - (x + w / 2) * z, pan_y=ay + ah / 2 - (y + h / 2) * z)

    def resized(self, width: int, height: int) -> "View":
        return replace(self, width=int(width), height=int(height))

    def visible_rect(self) -> tuple[float, float, float, float]:
        x0, y0 = self.to_doc(0, 0)
        x1, y1 = self.to_doc(self.width, self.height)
        return (x0, y0, x1 - x0, y1 - y0)
