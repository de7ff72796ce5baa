"""A stamped event as it sits in the log, and its (de)serialisation."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import DocumentJsonError
from ..model.codec import decoder_for, encode
from .migrations import upgrade
from .types import EVENT_TYPES, Event


@dataclass(frozen=True, slots=True)
class Record:
    seq: int
    eid: str  # stable id: actor + counter, so a resent event applies once
    actor: str
    ts: float
    group: str  # operation group: one undo step
    cause: str | None  # None for a fresh edit; "undo:G", "redo:G", "abort:G" for compensations
    event: Event

    @property
    def kind(self) -> str:
        return self.event.KIND


def event_payload(e: Event) -> str:
    return json.dumps(encode(e), separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_data(e: Event) -> dict:
    return encode(e)


def decode_event(kind: str, version: int, payload: str | dict, where: str = "") -> Event:
    """Decode (migrating if old) one event; errors name `where` and the offending field."""
    try:
        data = json.loads(payload) if isinstance(payload, str) else payload
        cls = EVENT_TYPES.get(kind)
        if cls is None:
            raise DocumentJsonError("$.kind", f"unknown event kind {kind!r}")
        if version != cls.VERSION:
            data = upgrade(kind, version, data)
        return decoder_for(cls)(data, "$")
    except json.JSONDecodeError as exc:
        raise DocumentJsonError("$", f"payload is not JSON ({exc.msg})", source=where or None) from None
    except DocumentJsonError as exc:
        if where:
            raise DocumentJsonError(exc.path, exc.problem, source=where) from None
        raise
