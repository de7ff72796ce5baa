"""Importers and exporters by file extension, named lazily (`module:function`, as npe2 does).

Built-ins are listed here and loaded only when used; plugins add their own with `register_*`,
which returns the function that undoes the registration.

Importer: fn(path: Path, guard: FileGuard) -> ImportResult
Exporter: fn(doc: Document, out: Path, *, artboard: str | None) -> None
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import WireTunerError
from ..model.document import Document

IMPORTERS: dict[str, str | Callable] = {
    ".json": "wiretuner_gl.io.json_io:import_json",
    ".svg": "wiretuner_gl.io.svg_import:import_svg",
    ".ai": "wiretuner_gl.io.ai_import:import_ai",
}
EXPORTERS: dict[str, str | Callable] = {
    ".json": "wiretuner_gl.io.json_io:export_json",
    ".svg": "wiretuner_gl.io.svg_export:export_svg",
    ".pdf": "wiretuner_gl.io.pdf_export:export_pdf",
    ".png": "wiretuner_gl.render.export_png:export_png",
}


@dataclass
class ImportReport:
    source: str
    warnings: list[str] = field(default_factory=list)  # what was approximated or dropped
    counts: dict[str, int] = field(default_factory=dict)  # unsupported element -> count

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def to_data(self) -> dict:
        return {"source": self.source, "warnings": list(self.warnings), "counts": dict(self.counts)}


@dataclass
class ImportResult:
    doc: Document
    report: ImportReport


def _resolve(table: dict, ext: str, what: str) -> Callable:
    entry = table.get(ext.lower())
    if entry is None:
        raise WireTunerError(f"no {what} for '{ext}' files (known: {', '.join(sorted(table))})")
    if isinstance(entry, str):
        mod, _, fn = entry.partition(":")
        try:
            entry = getattr(importlib.import_module(mod), fn)
        except (ImportError, AttributeError) as exc:
            raise WireTunerError(f"the {what} for '{ext}' files is not available in this build ({exc})") from None
    return entry


def importer_for(path: str | Path) -> Callable:
    return _resolve(IMPORTERS, Path(path).suffix, "importer")


def exporter_for(path: str | Path) -> Callable:
    return _resolve(EXPORTERS, Path(path).suffix, "exporter")


def register_importer(ext: str, fn: Callable) -> Callable[[], None]:
    old = IMPORTERS.get(ext)
    IMPORTERS[ext] = fn
    return lambda: IMPORTERS.__setitem__(ext, old) if old is not None else IMPORTERS.pop(ext, None)


def register_exporter(ext: str, fn: Callable) -> Callable[[], None]:
    old = EXPORTERS.get(ext)
    EXPORTERS[ext] = fn
    return lambda: EXPORTERS.__setitem__(ext, old) if old is not None else EXPORTERS.pop(ext, None)
