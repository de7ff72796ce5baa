"""Adobe Illustrator (.ai) import through the file's PDF side (pikepdf / qpdf).

Every page is an artboard (its CropBox, else MediaBox), placed left to right; Illustrator
layers (optional-content groups in `BDC /OC`) become layers; painted paths become Paths.
Illustrator's private data (the AIPrivateData streams in /PieceInfo, which only Illustrator
reads) is skipped and reported, as are unknown operators, text, images and anything approximated.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import immutables
import pikepdf

from ..errors import FileAccessDenied, ImportFailed
from ..model.document import Document
from ..model.ids import IdFactory, key_between
from ..model.values import IDENTITY
from ..model.nodes import Artboard, Group, Layer
from ..model.nodes import Path as PathNode
from ._pdf_interp import GState, Interpreter
from .guard import FileGuard
from .registry import ImportReport, ImportResult

MAX_BYTES = 256 * 1024 * 1024
MAX_PAGES = 1000
MAX_OPS = 2_000_000
MAX_OBJECTS = 500_000
GAP = 20.0


class _Sink:
    def __init__(self, ids: IdFactory, artboard_id: str, page_no: int, hidden: frozenset = frozenset()):
        self.ids = ids
        self.hidden = hidden  # names of layers (optional-content groups) switched off in the file
        self.artboard = artboard_id
        self.page_no = page_no
        self.layers: dict[str | None, Layer] = {}
        self.nodes: dict[str, PathNode] = {}
        self._last: dict[str, str | None] = {}
        self._layer_key = None
        self.groups: list[str] = []  # open transparency groups, innermost last

    def layer(self, name: str | None) -> str:
        lay = self.layers.get(name)
        if lay is None:
            self._layer_key = key_between(self._layer_key, None)
            lay = Layer(self.ids.new("layer"), self.artboard, name or "Layer 1", self._layer_key, visible=name not in self.hidden)
            self.layers[name] = lay
        return lay.id

    def place(self, layer_name) -> tuple[str, str]:
        """(parent, order key) for the next object: the open group, else that layer."""
        parent = self.groups[-1] if self.groups else self.layer(layer_name)
        k = key_between(self._last.get(parent), None)
        self._last[parent] = k
        return parent, k

    def open_group(self, layer_name, opacity: float) -> str:
        parent, k = self.place(layer_name)
        gid = self.ids.new("group")
        self.put(Group(gid, parent, k, "", IDENTITY, float(opacity)))
        self.groups.append(gid)
        return gid

    def close_group(self) -> None:
        self.groups.pop()

    def put(self, node) -> None:
        if len(self.nodes) >= MAX_OBJECTS:
            raise ImportFailed(f"more than {MAX_OBJECTS} objects (the import limit)")
        self.nodes[node.id] = node

    def add_path(self, subs, rule, style, transform, layer_name) -> None:
        parent, k = self.place(layer_name)
        self.put(PathNode(self.ids.new("path"), parent, k, tuple(subs), "", rule, style, tuple(float(v) for v in transform)))


def import_ai(path: str | Path, guard: FileGuard | None = None, *, ids: IdFactory | None = None) -> ImportResult:
    path = Path(path)
    guard = guard or FileGuard(root=path.resolve().parent, max_bytes=MAX_BYTES)
    try:
        real = guard.check(path.resolve())
    except FileNotFoundError as exc:
        raise ImportFailed(str(exc)) from None
    if real.stat().st_size > MAX_BYTES:
        raise FileAccessDenied(f"{path}: over the {MAX_BYTES}-byte import limit")
    data = guard.read_bytes(real)
    return import_ai_bytes(data, real, ids=ids)


def import_ai_bytes(data: bytes, source: Path, *, ids: IdFactory | None = None) -> ImportResult:
    src = str(source)
    if data[:10].startswith(b"%!PS"):
        raise ImportFailed(f"{src}: a PostScript-based Illustrator file (before CS); re-save it with 'Create PDF Compatible File'")
    if b"%PDF-" not in data[:1024]:
        raise ImportFailed(f"{src}: not a PDF-compatible Illustrator file (no %PDF header)")
    import io

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise ImportFailed(f"{src}: the file is password-protected") from None
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise ImportFailed(f"{src}: unreadable PDF side ({str(exc)[:200]})") from None
    report = ImportReport(src)
    ids = ids or IdFactory("ai" + hashlib.sha256(data).hexdigest()[:8])
    try:
        with pdf:
            return _build(pdf, source, report, ids)
    except ImportFailed as exc:
        msg = str(exc)
        raise ImportFailed(msg if msg.startswith(src) else f"{src}: {msg}") from None
    except (pikepdf.PdfError, KeyError, TypeError, ValueError, AttributeError, RecursionError, OverflowError) as exc:
        raise ImportFailed(f"{src}: damaged PDF structure ({exc.__class__.__name__}: {str(exc)[:160]})") from None


def _build(pdf, source: Path, report: ImportReport, ids: IdFactory) -> ImportResult:
    pages = list(pdf.pages)
    if not pages:
        raise ImportFailed("the file has no pages")
    if len(pages) > MAX_PAGES:
        raise ImportFailed(f"more than {MAX_PAGES} pages (the import limit)")
    artboards, layers, objects = {}, {}, {}
    hidden = _hidden_layers(pdf)
    interp = Interpreter(None, report, MAX_OPS)
    x_at = 0.0
    ab_key = None
    private = 0
    for i, page in enumerate(pages):
        box = [float(v) for v in (_inherited(page.obj, "/CropBox") or _inherited(page.obj, "/MediaBox") or [0, 0, 612, 792])]
        x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
        w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        rot = _inherited(page.obj, "/Rotate")
        if rot is not None and int(rot) % 360:
            report.warn(f"page {i + 1}: /Rotate {rot} ignored (artboard kept upright)")
        ab_key = key_between(ab_key, None)
        ab_id = ids.new("artboard")
        name = f"Artboard {i + 1}" if len(pages) > 1 else source.stem
        artboards[ab_id] = Artboard(ab_id, name, x_at, 0.0, w, h, ab_key)
        # PDF y points up; the document's y points down
        page_tf = (1.0, 0.0, 0.0, -1.0, x_at - x0, y1)
        sink = _Sink(ids, ab_id, i + 1, hidden)
        interp.sink = sink
        res = _inherited(page.obj, "/Resources")
        if "/Contents" in page.obj:
            if interp.ops + interp.estimate_ops(page.obj, res) > MAX_OPS:
                raise ImportFailed(f"more than {MAX_OPS} content-stream operators once forms are expanded (the import limit)")
            interp.run(page.obj, res, page_tf, GState())
        sink.layer(None) if not sink.layers else None
        for lay in sink.layers.values():
            layers[lay.id] = lay
        objects.update(sink.nodes)
        piece = page.obj.get("/PieceInfo")
        ill = piece.get("/Illustrator") if piece is not None else None
        if ill is not None:
            priv = ill.get("/Private")
            private += sum(1 for k in (priv.keys() if priv is not None else ()) if str(k).startswith("/AIPrivateData"))
        x_at += w + GAP
    if private:
        report.counts["Illustrator private data streams (skipped)"] = private
        report.warn(f"Illustrator private data: {private} AIPrivateData stream(s) skipped (only Illustrator reads them; the PDF side was imported)")
    for what, n in sorted(report.counts.items()):
        if what.startswith("Illustrator private"):
            continue
        report.warn(f"{what}: {n}")
    doc = Document(immutables.Map(artboards), immutables.Map(layers), immutables.Map(objects))
    return ImportResult(doc, report)


def _hidden_layers(pdf) -> frozenset:
    """Names of the optional-content groups the file's default view switches off (hidden layers)."""
    try:
        off = pdf.Root.OCProperties.D.get("/OFF", [])
        return frozenset(str(o.get("/Name")) for o in off if o.get("/Name") is not None)
    except (AttributeError, KeyError, TypeError, pikepdf.PdfError):
        return frozenset()


def _inherited(node, key):
    """A page attribute, looked up the page tree as PDF's inheritable attributes are (§7.7.3.4)."""
    for _ in range(64):
        if node is None:
            return None
        v = node.get(key)
        if v is not None:
            return v
        node = node.get("/Parent")
    return None
