from __future__ import annotations

from ..errors import DocumentCorrupt, ReducerError
from ..events.reducer import apply
from ..model.document import Document
from ._common import emit_json, open_store

NAME = "verify"
HELP = "replay every event from the start; check every snapshot's hash and the final state"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("--json", action="store_true")


def verify(store) -> dict:
    """Replay from seq 1; compare each snapshot's stored hash with the replayed state at its seq."""
    snaps = store.raw_rows("SELECT seq, state_hash FROM snapshots ORDER BY seq")
    pending = list(snaps)
    m = Document().mutate()
    seq = 0
    mismatches: list[dict] = []
    error = None
    try:
        for rec in store.records(1):
            while pending and pending[0][0] < rec.seq:
                s_seq, s_hash = pending.pop(0)
                doc = m.finish()
                _check(doc, seq, s_seq, s_hash, mismatches)
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
            _check(doc, seq, s_seq, s_hash, mismatches)
    final = doc.state_hash()
    ok = error is None and not mismatches
    first = error["seq"] if error else (mismatches[0]["seq"] if mismatches else None)
    return {
        "ok": ok,
        "events": seq,
        "snapshots_checked": len(snaps),
        "mismatches": mismatches,
        "error": error,
        "first_bad_seq": first,
        "state_hash": final,
    }


def _check(doc, replayed_seq: int, snap_seq: int, snap_hash: str, mismatches: list) -> None:
    h = doc.state_hash()
    if snap_seq != replayed_seq and snap_seq > replayed_seq:
        mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq} is beyond the log ({replayed_seq})"})
    elif h != snap_hash:
        mismatches.append({"seq": snap_seq, "problem": f"snapshot at seq {snap_seq}: stored hash {snap_hash[:12]} != replayed {h[:12]}"})


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
