"""The Document: an immutable value holding every node, with derived child order and a state hash.

Nodes live in three persistent maps (`immutables.Map`, a HAMT): an edit shares everything it does
not touch, so each event yields a new Document in O(log n), and replay edits a transient
(`Document.mutate()`, as in Clojure transients or immer's produce) without copying at all.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterator

import immutables

from .codec import encode
from .nodes import Artboard, Group, Layer, Node, Object, Path, Shape

ROOT = "document"


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class Document:
    __slots__ = ("artboards", "layers", "objects", "_children", "_hash")

    def __init__(self, artboards=None, layers=None, objects=None, *, _children=None):
        self.artboards: immutables.Map = artboards if artboards is not None else immutables.Map()
        self.layers: immutables.Map = layers if layers is not None else immutables.Map()
        self.objects: immutables.Map = objects if objects is not None else immutables.Map()
        self._children: dict[str, tuple[str, ...]] | None = _children
        self._hash: str | None = None

    # ------------------------------------------------------------------ lookups
    def get(self, node_id: str) -> Node | None:
        kind = node_id[: node_id.find(":")]
        if kind == "artboard":
            return self.artboards.get(node_id)
        if kind == "layer":
            return self.layers.get(node_id)
        return self.objects.get(node_id)

    def __contains__(self, node_id: str) -> bool:
        return self.get(node_id) is not None

    def __len__(self) -> int:
        return len(self.artboards) + len(self.layers) + len(self.objects)

    def nodes(self) -> Iterator[Node]:
        yield from self.artboards.values()
        yield from self.layers.values()
        yield from self.objects.values()

    def children(self, parent: str = ROOT) -> tuple[str, ...]:
        """Ids of a container's children, back to front (by order key, then id)."""
        if self._children is None:
            self._children = _index(self)
        return self._children.get(parent, ())

    def parent_of(self, node_id: str) -> str | None:
        n = self.get(node_id)
        if n is None:
            return None
        if isinstance(n, Artboard):
            return ROOT
        if isinstance(n, Layer):
            return n.artboard
        return n.parent

    def artboard_of(self, node_id: str) -> str | None:
        while node_id is not None and not node_id.startswith("artboard:"):
            node_id = self.parent_of(node_id)
        return node_id

    def descendants(self, node_id: str) -> list[str]:
        """All nodes below node_id, depth first, parents before children."""
        out: list[str] = []
        stack = list(reversed(self.children(node_id)))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(self.children(n)))
        return out

    def counts(self) -> dict[str, int]:
        c = {"artboard": len(self.artboards), "layer": len(self.layers), "group": 0, "path": 0, "shape": 0}
        for o in self.objects.values():
            c[o.TAG] += 1
        return c

    # ------------------------------------------------------------------ editing
    def mutate(self) -> "MutableDocument":
        return MutableDocument(self)

    # ------------------------------------------------------------------ canonical form and hash
    def to_data(self) -> dict:
        return {
            "artboards": [encode(self.artboards[k]) for k in sorted(self.artboards.keys())],
            "layers": [encode(self.layers[k]) for k in sorted(self.layers.keys())],
            "objects": [encode(self.objects[k]) for k in sorted(self.objects.keys())],
        }

    def state_hash(self) -> str:
        """SHA-256 of the canonical JSON; replay, snapshots and collaboration compare it."""
        if self._hash is None:
            self._hash = hashlib.sha256(canonical_json(self.to_data()).encode("utf-8")).hexdigest()
        return self._hash

    def __eq__(self, other) -> bool:
        return isinstance(other, Document) and (
            self.artboards == other.artboards and self.layers == other.layers and self.objects == other.objects
        )

    def __hash__(self):
        return hash(self.state_hash())

    def __repr__(self) -> str:
        return f"<Document {self.counts()}>"


class MutableDocument:
    """A transient: edits in place, then `finish()` returns the new immutable Document."""

    __slots__ = ("_base", "artboards", "layers", "objects", "structure_changed", "_delta")

    def __init__(self, base: Document):
        self._base = base
        self.artboards = base.artboards.mutate()
        self.layers = base.layers.mutate()
        self.objects = base.objects.mutate()
        self.structure_changed = False
        self._delta: dict[str, int] = {}  # child-count changes since base, per container

    def get(self, node_id: str) -> Node | None:
        kind = node_id[: node_id.find(":")]
        if kind == "artboard":
            return self.artboards.get(node_id)
        if kind == "layer":
            return self.layers.get(node_id)
        return self.objects.get(node_id)

    def table(self, node_id: str):
        kind = node_id[: node_id.find(":")]
        if kind == "artboard":
            return self.artboards
        if kind == "layer":
            return self.layers
        return self.objects

    def note_child(self, parent: str, delta: int) -> None:
        """The reducer reports every child added to (+1) or removed from (-1) a container."""
        self._delta[parent] = self._delta.get(parent, 0) + delta

    def has_children(self, node_id: str) -> bool:
        return len(self._base.children(node_id)) + self._delta.get(node_id, 0) > 0

    def finish(self) -> Document:
        children = None if self.structure_changed else self._base._children
        return Document(self.artboards.finish(), self.layers.finish(), self.objects.finish(), _children=children)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def parent_key(node: Node) -> str:
    """The container a node sits in: ROOT for artboards, the artboard for layers, else `parent`."""
    if isinstance(node, Artboard):
        return ROOT
    if isinstance(node, Layer):
        return node.artboard
    return node.parent


def _index(doc: Document) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for a in doc.artboards.values():
        groups.setdefault(ROOT, []).append((a.order, a.id))
    for l in doc.layers.values():
        groups.setdefault(l.artboard, []).append((l.order, l.id))
    for o in doc.objects.values():
        groups.setdefault(o.parent, []).append((o.order, o.id))
    return {p: tuple(i for _, i in sorted(v)) for p, v in groups.items()}


__all__ = ["Document", "MutableDocument", "ROOT", "canonical_json", "Artboard", "Layer", "Group", "Path", "Shape", "Object"]
