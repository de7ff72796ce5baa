"""Import a file into the open document: the imported objects go into one new group in the
active layer, re-identified with this session's ids, applied as one operation (one undo step)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import ImportFailed
from ..events.types import ObjectCreated
from ..io.guard import FileGuard
from ..io.registry import importer_for
from ..model.ids import keys_between
from ..model.nodes import Group
from ..tools.editor import Editor


def import_into(editor: Editor, path: Path) -> str | None:
    """Returns the id of the new group (None if the file held no objects)."""
    path = Path(path)
    result = importer_for(path)(path, FileGuard(root=path.resolve().parent))
    src = result.doc
    layer = editor.active_layer()
    if layer is None:
        raise ImportFailed(f"{path}: the document has no unlocked layer to import into")
    new_ids: dict[str, str] = {}
    gid = editor.new_id("group")
    events = [ObjectCreated(Group(gid, layer, editor.next_order(layer), name=path.stem))]
    layers = [lay for ab in src.children() for lay in src.children(ab)]
    top = [oid for lay in layers for oid in src.children(lay)]
    top_keys = dict(zip(top, keys_between(None, None, len(top)))) if top else {}
    for lay in layers:  # every source layer's objects, back to front, under the one new group
        for oid in src.descendants(lay):
            node = src.objects[oid]
            nid = editor.new_id(node.TAG)
            new_ids[oid] = nid
            parent = new_ids.get(node.parent, gid)
            order = top_keys.get(oid, node.order)
            events.append(ObjectCreated(replace(node, id=nid, parent=parent, order=order)))
    if len(events) == 1:
        return None
    editor.apply(events)
    return gid if gid in editor.doc.objects else None
