"""Event schema migrations: an old event payload is upgraded when read, one version at a time.

Register `(kind, from_version) -> fn(payload) -> payload`. The stored row is never rewritten
(the log is append-only); readers migrate on the fly.
"""

from __future__ import annotations

from typing import Callable

from ..errors import DocumentJsonError
from .types import EVENT_TYPES

Migration = Callable[[dict], dict]
MIGRATIONS: dict[tuple[str, int], Migration] = {}


def migration(kind: str, from_version: int):
    def deco(fn: Migration) -> Migration:
        MIGRATIONS[(kind, from_version)] = fn
        return fn

    return deco


@migration("AnchorMoved", 1)
def _anchor_moved_v1(p: dict) -> dict:
    # format 1 wrote the new position as x, y and the previous one as old_x, old_y
    return {"path": p["path"], "key": p["key"], "before": [p["old_x"], p["old_y"]], "after": [p["x"], p["y"]]}


def upgrade(kind: str, version: int, payload: dict) -> dict:
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        raise DocumentJsonError("$.kind", f"unknown event kind {kind!r}")
    if version > cls.VERSION:
        raise DocumentJsonError("$.v", f"{kind} version {version} is newer than this build reads ({cls.VERSION})")
    while version < cls.VERSION:
        fn = MIGRATIONS.get((kind, version))
        if fn is None:
            raise DocumentJsonError("$.v", f"no migration for {kind} from version {version}")
        try:
            payload = fn(payload)
        except (KeyError, TypeError) as exc:
            raise DocumentJsonError("$", f"{kind} v{version} payload cannot be migrated: missing {exc}") from None
        version += 1
    return payload
