from __future__ import annotations

from ..errors import DocumentCorrupt, ReducerError
from ..events.reducer import apply
from ..model.document import Document
from ..store.node_encoder import NodeEncoder
from ..store.snapshots import SnapshotInvalid, _chunks, _manifest, snapshot_rows
from ._common import emit_json, open_store

NAME = "verify"
HELP = "replay every event from the start; check every snapshot's hash and the final state"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("--json", action="store_true")


class _SnapshotChecker:
    """Compares stored snapshots with replayed states: the stored state hash, and the payload itself
    (its chunks must be exactly the encodings of the replayed nodes, and must hash-verify)."""

    def __init__(self, store):
        self.store = store
        self.encoder = NodeEncoder()  # canonical fragments cached by node: nearby states share them
        self.verified_chunks: set[tuple[int, bytes]] = set()

    def check(self, doc: Document, replayed_seq: int, snap_seq: int, snap_hash: str, mismatches: list) -> None:
        if snap_seq > replayed_seq:
            mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq} is beyond the log ({replayed_seq})"})
            return
        entries, (na, nl, _) = self.encoder.entries(doc)
        frags = [e[3] for e in entries]
        from ..store.snapshot_codec import hash_fragments

        h = hash_fragments(frags[:na], frags[na : na + nl], frags[na + nl :])
        if h != snap_hash:
            mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq}: stored hash {str(snap_hash)[:12]} != replayed {h[:12]}"})
            return
        try:
            _, ids, hashes, _ = _manifest(self.store, snap_seq)
            todo = [(i, hh) for i, hh in zip(ids, hashes) if (i, hh) not in self.verified_chunks]
            if todo:
                _chunks(self.store, [i for i, _ in todo], [hh for _, hh in todo])
                self.verified_chunks.update(todo)
        except SnapshotInvalid as exc:
            mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq}: payload {exc}"})
            return
        if hashes != [e[2] for e in entries]:
            mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq}: payload differs from the replayed state"})


def verify(store) -> dict:
    """Replay from seq 1 with the reference reducer; check each snapshot against the state at its seq."""
    from ..store.loader import _no_cyclic_gc

    with _no_cyclic_gc():
        return _verify(store)


def _verify(store) -> dict:
    snaps = [(r[0], r[5]) for r in snapshot_rows(store)]
    pending = list(snaps)
    checker = _SnapshotChecker(store)
    m = Document().mutate()
    seq = 0
    mismatches: list[dict] = []
    error = None
    try:
        for rec in store.records(1):
            while pending and pending[0][0] < rec.seq:
                s_seq, s_hash = pending.pop(0)
                doc = m.finish()
                checker.check(doc, seq, s_seq, s_hash, mismatches)
                m = doc.mutate()
            try:
                apply(m, rec.event)
            except ReducerError as exc:
                raise DocumentCorrupt(f"event {rec.seq} ({rec.kind}) does not apply: {exc}", seq=rec.seq) from None
            seq = rec.seq
    except DocumentCorrupt as exc:
        error = {"seq": exc.seq, "message": str(exc)}
    doc = m.finish()
    for s_seq, s_hash in pending:
        if error is None:
            checker.check(doc, seq, s_seq, s_hash, mismatches)
    final = doc.state_hash()
    ok = error is None and not mismatches
    firsts = ([error["seq"]] if error and error["seq"] is not None else []) + [mm["seq"] for mm in mismatches]
    return {
        "ok": ok,
        "events": seq,
        "snapshots_checked": len(snaps),
        "mismatches": mismatches,
        "error": error,
        "first_bad_seq": min(firsts) if firsts else None,
        "state_hash": final,
    }


def run(args) -> int:
    with open_store(args.file) as store:
        result = verify(store)
    if args.json:
        emit_json(result)
    elif result["ok"]:
        print(f"ok: {result['events']} events replayed, {result['snapshots_checked']} snapshots match, state {result['state_hash'][:12]}")
    else:
        print(f"MISMATCH: first differing seq {result['first_bad_seq']}")
        if result["error"]:
            print(f"  {result['error']['message']}")
        for mm in result["mismatches"]:
            print(f"  {mm['problem']}")
    return 0 if result["ok"] else 1
