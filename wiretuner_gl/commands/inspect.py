from __future__ import annotations

from datetime import datetime, timezone

from ._common import emit_json, open_document

NAME = "inspect"
HELP = "format version, generator, events, snapshots, object counts, artboards, state hash"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--all-snapshots", action="store_true",
                   help="re-derive every snapshot's state hash (default: the newest 20; older ones get an integrity check)")


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def describe(session, all_snapshots: bool = False) -> dict:
    store, doc = session.store, session.doc
    meta = store.meta()
    from ..store.snapshots import snapshot_summaries

    return {
        "file": store.name,
        "format_version": store.format_version,
        "generator": meta.get("generator"),
        "events": store.count(),
        "last_seq": store.last_seq(),
        "snapshots": snapshot_summaries(store, full=None if all_snapshots else 20),
        "objects": doc.counts(),
        "artboards": [
            {"id": a.id, "name": a.name, "x": a.x, "y": a.y, "width": a.width, "height": a.height}
            for a in (doc.artboards[i] for i in doc.children())
        ],
        "state_hash": doc.state_hash(),
        "problems": session.problems,
    }


def run(args) -> int:
    with open_document(args.file) as s:
        info = describe(s, args.all_snapshots)
    if args.json:
        emit_json(info)
        return 0
    print(f"file            {info['file']}")
    print(f"format version  {info['format_version']}  ({info['generator']})")
    print(f"events          {info['events']}  (last seq {info['last_seq']})")
    print(f"snapshots       {len(info['snapshots'])}")
    for snap in info["snapshots"]:
        ok = {True: "hash ok", False: "HASH MISMATCH", None: "intact" if snap.get("checked") else "unchecked"}[snap["hash_ok"]]
        why = f" ({snap['problem']})" if snap.get("problem") else ""
        pack = f"  pack {snap['pack']}" if snap.get("pack") else ""
        print(f"  seq {snap['seq']:>8}  {_iso(snap['time'])}  {snap['size']:>10} bytes  {ok}{why}{pack}")
    print("objects         " + ", ".join(f"{k} {v}" for k, v in info["objects"].items()))
    print(f"artboards       {len(info['artboards'])}")
    for a in info["artboards"]:
        print(f"  {a['name']!r}  {a['width']:g}x{a['height']:g} at ({a['x']:g}, {a['y']:g})  [{a['id']}]")
    print(f"state hash      {info['state_hash']}")
    return 0
