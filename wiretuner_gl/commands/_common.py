"""Helpers shared by commands: JSON output and opening documents for reading."""

from __future__ import annotations

import json
import sys

from ..io.guard import FileGuard
from ..store import DocumentSession, EventStore
from ..store.file import DOCUMENT_MAX_BYTES  # a long history is large: the document ceiling, not the import one


def emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def open_document(path: str) -> DocumentSession:
    """A read-only session on a .wiretuner file (after the file guard's checks)."""
    return DocumentSession.open(FileGuard(max_bytes=DOCUMENT_MAX_BYTES).check(path), read_only=True)


def plugins_for(path, table: dict) -> None:
    """Plugins may add importers and exporters: load them when `path`'s extension is not built in."""
    from pathlib import Path

    if Path(path).suffix.lower() not in table:
        from ..plugins.host import PluginHost

        PluginHost.start()


def open_store(path: str) -> EventStore:
    """The raw event store, read-only, without loading the document (verify, history)."""
    return EventStore.open(FileGuard(max_bytes=DOCUMENT_MAX_BYTES).check(path), read_only=True)
