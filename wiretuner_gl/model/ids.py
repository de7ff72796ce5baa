"""Typed ids (`path:…`, `layer:…`) and fractional order keys.

Ids carry their kind as a prefix (tldraw's `shape:…`), so an event or a JSON file names what it
points at without a lookup. Order keys are fractional-index strings: a node's place among its
siblings is its key, so concurrent inserts in collaboration never renumber anyone else.
"""

from __future__ import annotations

import itertools
import os
import threading

from fractional_indexing import generate_key_between, generate_n_keys_between

KINDS = ("artboard", "layer", "group", "path", "shape")
OBJECT_KINDS = ("group", "path", "shape")


def kind_of(node_id: str) -> str:
    kind, sep, _ = node_id.partition(":")
    if not sep or kind not in KINDS:
        raise ValueError(f"not a typed id: {node_id!r}")
    return kind


class IdFactory:
    """Unique ids for one actor: `kind:actor.n`, or `kind:actor.salt.n` with a per-session salt.

    The salt keeps ids unique across sessions of the same actor without persisting a counter
    (an id handed out but never used would otherwise come back in the next session).
    Deterministic given (actor, salt, start).
    """

    def __init__(self, actor: str, start: int = 0, salt: str | None = None):
        self.actor = actor
        self.prefix = f"{actor}.{salt}." if salt else f"{actor}."
        self._counter = itertools.count(start + 1)
        self._lock = threading.Lock()

    def new(self, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown id kind {kind!r}")
        with self._lock:
            n = next(self._counter)
        return f"{kind}:{self.prefix}{n}"


def new_actor_id() -> str:
    return os.urandom(6).hex()


def key_between(before: str | None, after: str | None) -> str:
    """An order key strictly between two siblings' keys (None = open end)."""
    return generate_key_between(before, after)


def keys_between(before: str | None, after: str | None, n: int) -> list[str]:
    return list(generate_n_keys_between(before, after, n))
