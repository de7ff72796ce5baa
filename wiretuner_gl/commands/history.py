from __future__ import annotations

from datetime import datetime, timezone

from ._common import emit_json, open_store

NAME = "history"
HELP = "operations (op groups), newest first: seq range, actor, time, kind, objects touched"


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=50, help="at most N operations (default 50)")


def operations(store, limit: int | None = None) -> list[dict]:
    """Op groups newest first. Rows are read newest first and stop once `limit` groups are complete."""
    ops: dict[str, dict] = {}
    order: list[str] = []
    for rec in _records_desc(store):
        op = ops.get(rec.group)
        if op is None:
            if limit is not None and len(order) >= limit:
                break
            op = ops[rec.group] = {
                "group": rec.group, "first_seq": rec.seq, "last_seq": rec.seq, "actor": rec.actor,
                "time": rec.ts, "kinds": {}, "objects": set(), "cause": rec.cause,
            }
            order.append(rec.group)
        op["first_seq"] = rec.seq
        op["kinds"][rec.kind] = op["kinds"].get(rec.kind, 0) + 1
        op["objects"].update(rec.event.targets())
    out = []
    for g in order:
        op = ops[g]
        kinds = op.pop("kinds")
        op["kind"] = _label(op["cause"], kinds)
        op["events"] = sum(kinds.values())
        op["event_kinds"] = kinds
        op["objects"] = sorted(op["objects"])
        out.append(op)
    return out


def _records_desc(store, batch: int = 2000):
    end = store.last_seq()
    while end >= 1:
        start = max(1, end - batch + 1)
        yield from reversed(list(store.records(start, end)))
        end = start - 1


def _label(cause: str | None, kinds: dict[str, int]) -> str:
    main = max(kinds, key=lambda k: kinds[k])
    if cause:
        return f"{cause.partition(':')[0]} ({main})"
    return main


def run(args) -> int:
    with open_store(args.file) as store:
        ops = operations(store, args.limit)
    if args.json:
        emit_json({"operations": ops})
        return 0
    for op in ops:
        when = datetime.fromtimestamp(op["time"], timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        rng = f"{op['first_seq']}" if op["first_seq"] == op["last_seq"] else f"{op['first_seq']}-{op['last_seq']}"
        objs = ", ".join(op["objects"][:4]) + (f" (+{len(op['objects']) - 4})" if len(op["objects"]) > 4 else "")
        print(f"{rng:>13}  {when}  {op['actor']:<14} {op['kind']:<28} {objs}")
    return 0
