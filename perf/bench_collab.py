"""Collaboration benchmark: N clients on loopback editing one document at a fixed send rate.

Each client owns a shape and sends one ObjectTransformed per tick on a fixed schedule (an open
loop: latency is measured from the scheduled send time, so a stalled gateway cannot hide its
backlog, i.e. no coordinated omission). Reported per configuration:
  ack latency          scheduled send -> ack received by the sender (commit included)
  propagation latency  scheduled send -> record received by another client (sampled observers)
  events/s per gateway committed events per second, from each gateway's /metrics
Configurations: `wiretuner serve` on SQLite (one gateway), and on PostgreSQL + Redis with two
gateway processes (clients alternate between them). Only loopback addresses are used.

    python perf/bench_collab.py [--clients 10 50 200] [--rate 100] [--seconds 8] [--backends sqlite pg]

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server._procs import SECRET, GatewayProcess, Postgres, Redis  # noqa: E402  (real processes, shared with the tests)
from wiretuner_gl.events import types as T  # noqa: E402
from wiretuner_gl.model import Artboard, Layer, RectGeom, Shape  # noqa: E402
from wiretuner_gl.model.ids import key_between  # noqa: E402
from wiretuner_gl.server.auth import TokenAuthority  # noqa: E402
from wiretuner_gl.sync.protocol import WireEvent  # noqa: E402

OBSERVERS = 8  # clients that parse every record to measure propagation


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def ms(x):
    return None if x is None else round(x * 1000, 3)


async def run_clients(urls, doc, n, rate, seconds, warmup):
    auth = TokenAuthority(SECRET)
    per_client = rate / n
    sched: dict[str, float] = {}
    ack_lat, prop_lat = [], []
    per_gateway = [0] * len(urls)
    t_measure = [0.0, 0.0]
    ready = asyncio.Event()
    connected = [0]
    closed: list = []

    async def client(i, session):
        try:
            await client_(i, session)
        except (aiohttp.ClientError, ConnectionError) as exc:
            closed.append(f"{type(exc).__name__}")

    async def client_(i, session):
        cid = f"b{i}"
        url = urls[i % len(urls)] + f"/v1/documents/{doc}/ws"
        async with session.ws_connect(url, max_msg_size=0) as ws:
            await ws.send_str(json.dumps({"type": "hello", "token": auth.mint(cid, doc, "editor"), "client": cid,
                                          "since": 10 ** 12}))
            json.loads((await ws.receive()).data)
            ab, layer = Artboard(f"artboard:{cid}.1", cid, 0, 0, 100, 100, key_between(None, None)), None
            layer = Layer(f"layer:{cid}.1", ab.id, "L", key_between(None, None))
            shape = Shape(f"shape:{cid}.1", layer.id, key_between(None, None), RectGeom(0, 0, 10, 10))
            setup = [T.ArtboardCreated(ab), T.LayerCreated(layer), T.ObjectCreated(shape)]
            await ws.send_str(json.dumps({"type": "submit", "group": f"{cid}.g0", "cause": None,
                                          "events": [WireEvent.of(f"{cid}:{k + 1}", e).to_json() for k, e in enumerate(setup)]}))
            observer = i < OBSERVERS
            pending_acks: dict[str, float] = {}

            async def reader():
                async for m in ws:
                    if m.type != aiohttp.WSMsgType.TEXT:
                        return
                    now = time.perf_counter()
                    d = m.data
                    if d.startswith('{"type":"ack"'):
                        msg = json.loads(d)
                        t0 = pending_acks.pop(msg["eids"][0], None)
                        if t0 is not None and t_measure[0] <= t0 < t_measure[1]:
                            ack_lat.append(now - t0)
                            per_gateway[i % len(urls)] += 1
                    elif observer and d.startswith('{"type":"events"'):
                        for r in json.loads(d)["records"]:
                            t0 = sched.get(r["eid"])
                            if t0 is not None and t_measure[0] <= t0 <= t_measure[1]:
                                prop_lat.append(now - t0)

            async def reader_logged():
                await reader()
                if ws.close_code is not None and ws.close_code != 1000 and not stopping:
                    closed.append(f"close {ws.close_code}")

            stopping = False
            rt = asyncio.create_task(reader_logged())
            connected[0] += 1
            if connected[0] == n:
                ready.set()
            await ready.wait()
            start = t_measure[0] - warmup + i / rate  # clients' ticks interleave evenly
            k = 2
            before = shape.transform
            end = t_measure[1]
            while True:
                t_send = start + (k - 2) / per_client
                if t_send > end:
                    break
                delay = t_send - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                after = (1.0, 0.0, 0.0, 1.0, float(k), 0.0)
                eid = f"{cid}:{k + 2}"
                sched[eid] = t_send
                pending_acks[eid] = t_send
                ev = WireEvent.of(eid, T.ObjectTransformed(shape.id, before, after)).to_json()
                await ws.send_str(json.dumps({"type": "submit", "group": f"{cid}.g{k}", "cause": None, "events": [ev]}))
                before = after
                k += 1
            await asyncio.sleep(1.0)  # let the last acks and records arrive
            stopping = True
            rt.cancel()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:  # no pool cap: 200 sockets
        t_measure[0] = time.perf_counter() + 1.0 + warmup + n * 0.005
        t_measure[1] = t_measure[0] + seconds
        await asyncio.gather(*(client(i, session) for i in range(n)))
    return ack_lat, prop_lat, [c / seconds for c in per_gateway], closed


def events_total(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("wiretuner_events_total "):
                return float(line.split()[1])
    return 0.0


def bench(gateways, n, rate, seconds, warmup, tag):
    doc = f"bench-{tag}-{n}-{int(time.time())}"
    before = [events_total(g.port) for g in gateways]
    ack, prop, rates, closed = asyncio.run(run_clients([g.url for g in gateways], doc, n, rate, seconds, warmup))
    after = [events_total(g.port) for g in gateways]
    sent = rate * seconds
    return {
        "clients": n, "rate_events_per_s": rate, "seconds": seconds,
        "ack_ms": {"p50": ms(pct(ack, 50)), "p99": ms(pct(ack, 99)), "max": ms(max(ack) if ack else None), "n": len(ack)},
        "propagation_ms": {"p50": ms(pct(prop, 50)), "p99": ms(pct(prop, 99)), "max": ms(max(prop) if prop else None),
                           "n": len(prop)},
        # acknowledged events per second in the measured window, by the gateway that committed them
        "events_per_s_per_gateway": [round(r, 1) for r in rates],
        "events_committed_per_gateway": [int(b - a) for a, b in zip(before, after)],
        "acked_fraction": round(len(ack) / sent, 3) if sent else None,
        "connections_lost": len(closed), "lost_how": sorted(set(closed)),
    }


def progress(row):
    print(f"  {row['clients']} clients: ack p99 {row['ack_ms']['p99']} ms, propagation p99 {row['propagation_ms']['p99']} ms",
          file=sys.stderr, flush=True)
    return row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    ap.add_argument("--rate", type=float, default=100.0, help="events per second, all clients together")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    args = ap.parse_args(argv)
    import os

    out = {"machine": f"{sys.platform}, {os.cpu_count()} cores, loopback", "load_average_at_start": os.getloadavg(),
           "results": {}}
    tmp = Path(tempfile.mkdtemp(prefix="wt-bench-"))
    if "sqlite" in args.backends:
        gw = GatewayProcess(str(tmp / "bench.sqlite"), None, extra=["--rate", "1000"])
        try:
            out["results"]["sqlite_1_gateway"] = [progress(bench([gw], n, args.rate, args.seconds, args.warmup, "sq"))
                                                  for n in args.clients]
        finally:
            gw.stop()
    if "pg" in args.backends:
        pg, rd = Postgres(), Redis()
        gws = []
        try:
            gws = [GatewayProcess(pg.url, rd.url, extra=["--rate", "1000"]) for _ in range(2)]
            out["results"]["postgres_redis_2_gateways"] = [progress(bench(gws, n, args.rate, args.seconds, args.warmup, "pg"))
                                                           for n in args.clients]
        finally:
            for g in gws:
                g.stop()
            rd.stop()
            pg.stop()
    for name, rows in out["results"].items():
        print(f"\n{name}")
        print(f"{'clients':>8} {'ack p50':>9} {'ack p99':>9} {'prop p50':>9} {'prop p99':>9}  events/s per gateway")
        for r in rows:
            print(f"{r['clients']:>8} {r['ack_ms']['p50']!s:>9} {r['ack_ms']['p99']!s:>9} {r['propagation_ms']['p50']!s:>9} "
                  f"{r['propagation_ms']['p99']!s:>9}  {r['events_per_s_per_gateway']}  lost {r['connections_lost']}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
