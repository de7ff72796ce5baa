"""Loading a document from its log: replay events into a Document (snapshots plug in here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import DocumentCorrupt, ReducerError
from ..events.reducer import apply
from ..model.document import Document
from .file import EventStore


@dataclass
class LoadResult:
    doc: Document
    seq: int  # the last event applied
    problems: list[str] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


def replay(store: EventStore, doc: Document, start: int, end: int | None = None, *, recover: bool = False) -> LoadResult:
    """Apply events start..end to doc. With recover, stop at the first damaged event instead of raising."""
    m = doc.mutate()
    seq = start - 1
    problems: list[str] = []
    try:
        for rec in store.records(start, end):
            try:
                apply(m, rec.event)
            except ReducerError as exc:
                raise DocumentCorrupt(f"{store.name}: event {rec.seq} ({rec.kind}) does not apply: {exc}", seq=rec.seq) from None
            seq = rec.seq
    except DocumentCorrupt as exc:
        if not recover:
            raise
        problems.append(str(exc))
    return LoadResult(m.finish(), seq, problems)


def load(store: EventStore, *, upto: int | None = None, recover: bool = False) -> LoadResult:
    """The document at seq `upto` (default: the end of the log)."""
    return replay(store, Document(), 1, upto, recover=recover)
