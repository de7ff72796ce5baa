"""Operation groups and drag sampling, as pure logic (the clock is injected).

A gesture (a drag, a slider) updates the live document on every move, but only a sample every
`interval` seconds, and always the final state, is written to the log, all under one group id:
one undo step. To log a sample, the tool's field changes (expressed against the gesture's start)
are re-based onto the last logged state, so the logged events chain exactly and invert exactly.
"""

from __future__ import annotations

from typing import Sequence

from ..model.document import Document
from ..model.nodes import Path
from .types import Event, _AnchorFieldsChanged, _FieldsChanged

DEFAULT_SAMPLE_INTERVAL = 0.05


def current_values(doc: Document, e: Event):
    """The values the fields that `e` sets have in doc (None if the target is gone)."""
    if isinstance(e, _FieldsChanged):
        node = doc.get(e.id)
        if node is None:
            return None
        vals = tuple(getattr(node, f) for f in e.FIELDS)
    elif isinstance(e, _AnchorFieldsChanged):
        p = doc.objects.get(e.path)
        if not isinstance(p, Path):
            return None
        for sp in p.subpaths:
            for a in sp.anchors:
                if a.key == e.key:
                    vals = tuple(getattr(a, f) for f in e.FIELDS)
                    break
            else:
                continue
            break
        else:
            return None
    else:
        raise TypeError(f"{e.KIND} is not a field change; only field changes can be sampled in a gesture")
    return vals[0] if len(vals) == 1 else vals


def rebase(doc: Document, events: Sequence[Event]) -> list[Event]:
    """The same changes with `before` taken from doc; changes that are already true are dropped."""
    out = []
    for e in events:
        before = current_values(doc, e)
        if before == e.after:
            continue
        if isinstance(e, _FieldsChanged):
            out.append(type(e)(e.id, before, e.after))
        else:
            out.append(type(e)(e.path, e.key, before, e.after))
    return out


class Sampler:
    """Decides when a gesture's live state is written: every `interval` seconds, and at the end."""

    def __init__(self, interval: float = DEFAULT_SAMPLE_INTERVAL, start: float = 0.0):
        self.interval = interval
        self.last = start

    def due(self, now: float) -> bool:
        if now - self.last >= self.interval:
            self.last = now
            return True
        return False
