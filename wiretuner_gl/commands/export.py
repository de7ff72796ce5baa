from __future__ import annotations

from pathlib import Path

from ..errors import WireTunerError
from ..io.registry import EXPORTERS, exporter_for
from ._common import open_document, plugins_for

NAME = "export"
HELP = "export a document (or one artboard) to .json, .svg, .pdf or .png, optionally as it was at a seq"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help="output file; its extension picks the format")
    p.add_argument("--at", type=int, default=None, metavar="SEQ", help="the document as it was at this seq")
    p.add_argument("--artboard", default=None, metavar="NAME", help="only this artboard (name or id)")


def find_artboard(doc, name: str | None) -> str | None:
    if name is None:
        return None
    for a in doc.artboards.values():
        if name in (a.id, a.name):
            return a.id
    raise WireTunerError(f"--artboard: no artboard named {name!r} (have: {', '.join(a.name for a in doc.artboards.values())})")


def document_at(path: str, seq: int | None):
    """The document at seq (None: latest), read-only."""
    from ..store.timeline import state_at

    with open_document(path) as s:
        if seq is None:
            return s.doc
        return state_at(s.store, seq)


def run(args) -> int:
    plugins_for(args.output, EXPORTERS)
    exporter = exporter_for(args.output)
    doc = document_at(args.file, args.at)
    exporter(doc, Path(args.output), artboard=find_artboard(doc, args.artboard))
    print(f"wrote {args.output}")
    return 0
