from __future__ import annotations

from ..model.document import Document
from ._common import emit_json, open_store

NAME = "snapshot-diff"
HELP = "objects added, removed and changed between two seqs, by id and kind, without geometry"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("seq_a", type=int, metavar="SEQ_A")
    p.add_argument("seq_b", type=int, metavar="SEQ_B")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")


def _fields(a, b) -> list[str]:
    return [n for n in a.__dataclass_fields__ if getattr(a, n) != getattr(b, n)]


def diff(a: Document, b: Document) -> dict:
    """Nodes added, removed and changed (with the names of the fields that changed) from a to b."""
    added, removed, changed = [], [], []
    for ta, tb in ((a.artboards, b.artboards), (a.layers, b.layers), (a.objects, b.objects)):
        if ta is tb:
            continue
        for k in sorted(set(ta.keys()) | set(tb.keys())):
            na, nb = ta.get(k), tb.get(k)
            if na is nb:
                continue
            if na is None:
                added.append({"id": k, "kind": nb.TAG})
            elif nb is None:
                removed.append({"id": k, "kind": na.TAG})
            elif type(na) is not type(nb):
                changed.append({"id": k, "kind": nb.TAG, "was": na.TAG, "fields": ["kind"]})
            elif na != nb:
                changed.append({"id": k, "kind": nb.TAG, "fields": _fields(na, nb)})
    return {"added": added, "removed": removed, "changed": changed}


def run(args) -> int:
    from ..store.timeline import Timeline

    with open_store(args.file) as store:
        tl = Timeline(store)
        a, b = tl.state_at(args.seq_a), tl.state_at(args.seq_b)
        out = {"file": store.name, "seq_a": args.seq_a, "seq_b": args.seq_b, **diff(a, b)}
    if args.json:
        emit_json(out)
        return 0
    print(f"{out['file']}: seq {args.seq_a} -> {args.seq_b}: {len(out['added'])} added, "
          f"{len(out['removed'])} removed, {len(out['changed'])} changed")
    for n in out["added"]:
        print(f"  + {n['id']}  ({n['kind']})")
    for n in out["removed"]:
        print(f"  - {n['id']}  ({n['kind']})")
    for n in out["changed"]:
        print(f"  ~ {n['id']}  ({n['kind']}): {', '.join(n['fields'])}")
    return 0
