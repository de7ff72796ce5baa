"""JSON export and import of a whole document: diff-friendly, validated, hash-preserving.

Export: stable key order, indented, format version and generator embedded, nodes sorted by id.
Import: every field validated; bad input is rejected with the path of the offending field;
the imported document has exactly the exported state hash.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import GENERATOR
from ..errors import DocumentJsonError, ReducerError
from ..events.reducer import reduce_all
from ..events.types import ArtboardCreated, LayerCreated, ObjectCreated
from ..model.codec import decoder_for
from ..model.document import Document
from ..model.nodes import Artboard, Layer, Object
from .guard import FileGuard
from .registry import ImportReport, ImportResult

JSON_FORMAT = "wiretuner-gl-document"
JSON_FORMAT_VERSION = 1
MAX_JSON_BYTES = 256 * 1024 * 1024


def document_to_json(doc: Document) -> str:
    data = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "generator": GENERATOR,
        "state_hash": doc.state_hash(),
        **doc.to_data(),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def export_json(doc: Document, out: Path, *, artboard: str | None = None) -> None:
    if artboard is not None:
        raise DocumentJsonError("--artboard", "JSON export always writes the whole document")
    Path(out).write_text(document_to_json(doc), encoding="utf-8")


def document_from_data(data, source: str | None = None) -> Document:
    """Validate JSON data and build the Document it describes."""
    try:
        return _build(data)
    except DocumentJsonError as exc:
        raise DocumentJsonError(exc.path, exc.problem, source=source) from None


def _build(data) -> Document:
    if not isinstance(data, dict):
        raise DocumentJsonError("$", "expected a JSON object at the top level")
    if data.get("format") != JSON_FORMAT:
        raise DocumentJsonError("$.format", f"expected {JSON_FORMAT!r}, got {data.get('format')!r}")
    v = data.get("format_version")
    if type(v) is not int:
        raise DocumentJsonError("$.format_version", "missing or not an integer")
    if v > JSON_FORMAT_VERSION:
        raise DocumentJsonError("$.format_version", f"version {v} is newer than this build reads ({JSON_FORMAT_VERSION})")
    known = {"format", "format_version", "generator", "state_hash", "artboards", "layers", "objects"}
    extra = set(data) - known
    if extra:
        raise DocumentJsonError(f"$.{sorted(extra)[0]}", "unknown top-level field")
    events = []
    for key, cls, ev in (("artboards", Artboard, ArtboardCreated), ("layers", Layer, LayerCreated)):
        items = data.get(key, [])
        if not isinstance(items, list):
            raise DocumentJsonError(f"$.{key}", "expected a list")
        dec = decoder_for(cls)
        events.extend(ev(dec(item, f"$.{key}[{i}]")) for i, item in enumerate(items))
    objs = data.get("objects", [])
    if not isinstance(objs, list):
        raise DocumentJsonError("$.objects", "expected a list")
    dec = decoder_for(Object)
    nodes = [dec(item, f"$.objects[{i}]") for i, item in enumerate(objs)]
    index = {n.id: i for i, n in enumerate(nodes)}
    if len(index) != len(nodes):
        raise DocumentJsonError("$.objects", "duplicate object id")
    # objects may be listed in any order: create parents first (depth below the layer). Iterative,
    # so a hostile file with a very deep or cyclic parent chain gets a clear error, not a RecursionError.
    depth: dict[str, int] = {}

    def depth_of(i: int) -> int:
        chain: list[str] = []
        on_chain: set[str] = set()
        node = nodes[i]
        while node.id not in depth:
            if node.id in on_chain:
                raise DocumentJsonError(f"$.objects[{i}].parent", "objects form a cycle")
            chain.append(node.id)
            on_chain.add(node.id)
            if node.parent not in index:
                depth[chain.pop()] = 0
                break
            node = nodes[index[node.parent]]
        d = depth[node.id] if node.id in depth else 0
        for oid in reversed(chain):
            d += 1
            depth[oid] = d
        return depth[nodes[i].id]

    order = sorted(range(len(nodes)), key=lambda i: depth_of(i))
    events.extend(ObjectCreated(nodes[i]) for i in order)
    try:
        doc = reduce_all(Document(), events)
    except ReducerError as exc:
        raise DocumentJsonError("$", f"inconsistent document: {exc}") from None
    want = data.get("state_hash")
    if want is not None and not isinstance(want, str):
        raise DocumentJsonError("$.state_hash", "expected a string")
    return doc


def _read_json(path: Path, guard: FileGuard | None):
    guard = guard or FileGuard(max_bytes=MAX_JSON_BYTES)
    raw = guard.read_bytes(path)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentJsonError("$", f"not valid JSON ({exc})", source=str(path)) from None
    except RecursionError:
        raise DocumentJsonError("$", "nested too deeply", source=str(path)) from None


def load_json_document(path: Path, guard: FileGuard | None = None) -> Document:
    return document_from_data(_read_json(path, guard), source=str(path))


def import_json(path: Path, guard: FileGuard | None = None) -> ImportResult:
    data = _read_json(path, guard)
    doc = document_from_data(data, source=str(path))
    report = ImportReport(str(path))
    if data.get("state_hash") not in (None, doc.state_hash()):
        report.warn("state_hash in the file does not match its content (edited by hand?); imported as written")
    return ImportResult(doc, report)
