"""The document at any seq (the timeline). Checkpoint caching comes with the snapshot work."""

from __future__ import annotations

from ..errors import WireTunerError
from ..model.document import Document
from .file import EventStore
from .loader import load


def state_at(store: EventStore, seq: int) -> Document:
    last = store.last_seq()
    if not 0 <= seq <= last:
        raise WireTunerError(f"{store.name}: --at {seq} is outside the log (0..{last})")
    return load(store, upto=seq).doc
