"""Events that build a given document from nothing (imports, JSON, 'restore this state')."""

from __future__ import annotations

from ..model.document import ROOT, Document
from .types import ArtboardCreated, Event, LayerCreated, ObjectCreated


def creation_events(doc: Document) -> list[Event]:
    """Create events for every node, parents before children, siblings in order."""
    out: list[Event] = []
    for ab_id in doc.children(ROOT):
        out.append(ArtboardCreated(doc.artboards[ab_id]))
        for layer_id in doc.children(ab_id):
            out.append(LayerCreated(doc.layers[layer_id]))
            for obj_id in doc.descendants(layer_id):
                out.append(ObjectCreated(doc.objects[obj_id]))
    return out
