"""Collaboration benchmark: N clients on loopback editing one document at a fixed send rate.

Each client owns a shape and sends one ObjectTransformed per tick on a fixed schedule (an open
loop: latency is measured from the scheduled send time, so a stalled gateway, or a late load
generator, cannot hide its backlog, i.e. no coordinated omission). Every client is a real WebSocket
connection; the clients are spread over several load-generator processes (`--client-procs`, on
uvloop when installed) so that one process's frame handling does not delay the others' sends and
receipts. Reported per configuration:
  ack latency          scheduled send -> ack received by the sender (commit included)
  propagation latency  scheduled send -> record received by another client (8 observing clients)
  send lag             scheduled send -> submit written by the client (the load generator's own share)
  events/s per gateway acknowledged events per second, by the gateway that committed them
  gateway CPU          CPU time of each gateway process (all threads) per committed event
Configurations: `wiretuner serve` on SQLite (one gateway), and on PostgreSQL + Redis with two
gateway processes (clients alternate between them). Only loopback addresses are used.

    python perf/bench_collab.py [--clients 10 50 200] [--rate 100] [--seconds 8] [--backends sqlite pg]
                                [--client-procs 2] [--client-loop auto] [--gateway-loop auto]

The last line printed is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server._procs import SECRET, GatewayProcess, Postgres, Redis  # noqa: E402  (real processes, shared with the tests)
from wiretuner_gl.events import types as T  # noqa: E402
from wiretuner_gl.model import Artboard, Layer, RectGeom, Shape  # noqa: E402
from wiretuner_gl.model.ids import key_between  # noqa: E402
from wiretuner_gl.server.auth import TokenAuthority  # noqa: E402
from wiretuner_gl.server.loops import loop_name, new_event_loop  # noqa: E402
from wiretuner_gl.sync.protocol import WireEvent  # noqa: E402

OBSERVERS = 8  # clients that parse every record to measure propagation


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def ms(x):
    return None if x is None else round(x * 1000, 3)


def sched_time(eid: str, t0: float, n: int, rate: float, warmup: float) -> float | None:
    """The scheduled send time of benchmark event `b{i}:{counter}` (counters 1-3 are the setup batch)."""
    who, _, c = eid.rpartition(":")
    if not who.startswith("b") or not c.isdigit() or int(c) < 4:
        return None
    i, k = int(who[1:]), int(c) - 2
    return t0 - warmup + i / rate + (k - 2) / (rate / n)


async def run_clients(urls, doc, n, rate, seconds, warmup, mine, go):
    """This process's share of the clients (`mine`: client indices). `go()` is awaited once they are all
    connected and returns the start of the measured window (time.perf_counter(), which is CLOCK_MONOTONIC
    and so the same clock in every process)."""
    auth = TokenAuthority(SECRET)
    per_client = rate / n
    ack_lat, prop_lat, send_lag = [], [], []
    per_gateway = [0] * len(urls)
    t_measure = [0.0, 0.0]
    started = asyncio.Event()
    connected = [0]
    closed: list = []

    async def client(i, session):
        try:
            await client_(i, session)
        except (aiohttp.ClientError, ConnectionError) as exc:
            closed.append(f"{type(exc).__name__}")
            connected[0] += 1  # never blocks the others' start

    async def client_(i, session):
        cid = f"b{i}"
        url = urls[i % len(urls)] + f"/v1/documents/{doc}/ws"
        async with session.ws_connect(url, max_msg_size=0) as ws:
            await ws.send_str(json.dumps({"type": "hello", "token": auth.mint(cid, doc, "editor"), "client": cid,
                                          "since": 10 ** 12}))
            json.loads((await ws.receive()).data)
            ab = Artboard(f"artboard:{cid}.1", cid, 0, 0, 100, 100, key_between(None, None))
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
                    elif observer and d.startswith('{"type":"events"') and t_measure[0]:
                        for r in json.loads(d)["records"]:
                            t0 = sched_time(r["eid"], t_measure[0], n, rate, warmup)
                            if t0 is not None and t_measure[0] <= t0 < t_measure[1]:
                                prop_lat.append(now - t0)

            async def reader_logged():
                await reader()
                if ws.close_code is not None and ws.close_code != 1000 and not stopping:
                    closed.append(f"close {ws.close_code}")

            stopping = False
            rt = asyncio.create_task(reader_logged())
            connected[0] += 1
            await started.wait()
            start = t_measure[0] - warmup + i / rate  # clients' ticks interleave evenly
            k = 2
            before = shape.transform
            end = t_measure[1]
            while True:
                t_send = start + (k - 2) / per_client
                if t_send >= end:
                    break
                delay = t_send - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                after = (1.0, 0.0, 0.0, 1.0, float(k), 0.0)
                eid = f"{cid}:{k + 2}"
                pending_acks[eid] = t_send
                ev = WireEvent.of(eid, T.ObjectTransformed(shape.id, before, after)).to_json()
                await ws.send_str(json.dumps({"type": "submit", "group": f"{cid}.g{k}", "cause": None, "events": [ev]}))
                if t_send >= t_measure[0]:
                    send_lag.append(time.perf_counter() - t_send)  # the load generator's own lateness
                before = after
                k += 1
            await asyncio.sleep(1.0)  # let the last acks and records arrive
            stopping = True
            rt.cancel()

    async def starter():
        while connected[0] < len(mine):
            await asyncio.sleep(0.01)
        t_measure[0] = await go()
        t_measure[1] = t_measure[0] + seconds
        gc.collect()
        gc.freeze()  # setup garbage is not rescanned during the measured window
        started.set()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:  # no pool cap: 200 sockets
        await asyncio.gather(starter(), *(client(i, session) for i in mine))
    return ack_lat, prop_lat, per_gateway, closed, send_lag


def client_process(conn, urls, doc, n, rate, seconds, warmup, mine, loop_kind):
    """One load-generator process: connects its clients, reports ready, waits for the start time."""
    async def go():
        conn.send("ready")
        return await asyncio.get_running_loop().run_in_executor(None, conn.recv)

    loop = new_event_loop(loop_kind)
    try:
        conn.send(("done", loop_name(loop), loop.run_until_complete(
            run_clients(urls, doc, n, rate, seconds, warmup, mine, go))))
    finally:
        loop.close()


def run_load(urls, doc, n, rate, seconds, warmup, procs, loop_kind, snapshot=lambda: None):
    """Spread the n clients over `procs` processes (client i in process i % procs) so the load
    generator's own frame handling does not queue behind one process's event loop."""
    ctx = multiprocessing.get_context("spawn")
    pipes, workers = [], []
    for w in range(procs):
        mine = [i for i in range(n) if i % procs == w]
        a, b = ctx.Pipe()
        p = ctx.Process(target=client_process, args=(b, urls, doc, n, rate, seconds, warmup, mine, loop_kind), daemon=True)
        p.start()
        pipes.append(a)
        workers.append(p)
    for a in pipes:
        if a.recv() != "ready":
            raise RuntimeError("a load-generator process failed to start")
    t0 = time.perf_counter() + 0.3 + warmup
    for a in pipes:
        a.send(t0)
    time.sleep(max(0.0, t0 - time.perf_counter()))
    window = [snapshot()]  # the gateways' counters at the start and end of the measured window
    time.sleep(max(0.0, t0 + seconds - time.perf_counter()))
    window.append(snapshot())
    ack, prop, per_gateway, closed, loops, lag = [], [], [0] * len(urls), [], set(), []
    for a, p in zip(pipes, workers):
        tag, lname, (ack_w, prop_w, gw_w, closed_w, lag_w) = a.recv()
        ack += ack_w
        lag += lag_w
        prop += prop_w
        per_gateway = [x + y for x, y in zip(per_gateway, gw_w)]
        closed += closed_w
        loops.add(lname)
        p.join(10)
    return ack, prop, [c / seconds for c in per_gateway], closed, sorted(loops), lag, window


def gateway_metrics(port):
    """(events committed, submits acked, of which within 5 ms, within 10 ms, commits that had to catch up
    from the database) from a gateway's /metrics."""
    vals = {}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if not line.startswith("#"):
                k, _, v = line.rpartition(" ")
                vals[k] = float(v)
    return (vals.get("wiretuner_events_total", 0.0), vals.get("wiretuner_ack_latency_seconds_count", 0.0),
            vals.get('wiretuner_ack_latency_seconds_bucket{le="0.005"}', 0.0),
            vals.get('wiretuner_ack_latency_seconds_bucket{le="0.01"}', 0.0), vals.get("wiretuner_commit_catch_ups_total", 0.0))


def gateway_loop(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
        return json.loads(r.read())["loop"]


def bench(gateways, n, rate, seconds, warmup, tag, procs, loop_kind):
    doc = f"bench-{tag}-{n}-{int(time.time())}"
    m0 = [gateway_metrics(g.port) for g in gateways]
    procs_ = [psutil.Process(g.proc.pid) for g in gateways]
    cpu0 = [sum(p.cpu_times()[:2]) for p in procs_]
    ack, prop, rates, closed, loops, lag, window = run_load(
        [g.url for g in gateways], doc, n, rate, seconds, warmup, min(procs, n), loop_kind,
        snapshot=lambda: [gateway_metrics(g.port) for g in gateways])
    m1 = [gateway_metrics(g.port) for g in gateways]
    before, after = [m[0] for m in m0], [m[0] for m in m1]
    d = [sum(b[j] - a[j] for a, b in zip(*window)) for j in range(5)]  # inside the measured window
    cpu = [sum(p.cpu_times()[:2]) - c for p, c in zip(procs_, cpu0)]
    sent = rate * seconds
    return {
        "clients": n, "rate_events_per_s": rate, "seconds": seconds,
        "ack_ms": {"p50": ms(pct(ack, 50)), "p99": ms(pct(ack, 99)), "max": ms(max(ack) if ack else None), "n": len(ack)},
        "propagation_ms": {"p50": ms(pct(prop, 50)), "p99": ms(pct(prop, 99)), "max": ms(max(prop) if prop else None),
                           "n": len(prop)},
        # scheduled send -> submit written by the client: the load generator's share of the latencies above
        "send_lag_ms": {"p50": ms(pct(lag, 50)), "p99": ms(pct(lag, 99)), "max": ms(max(lag) if lag else None)},
        # acknowledged events per second in the measured window, by the gateway that committed them
        "events_per_s_per_gateway": [round(r, 1) for r in rates],
        "events_committed_per_gateway": [int(b - a) for a, b in zip(before, after)],
        # inside the gateways (submit read -> ack written, commit included; measured window): the share that took
        # over 5 ms and over 10 ms, to tell the gateway's own delays from the machine's scheduling
        "gateway_ack_over_5ms": round((d[1] - d[2]) / max(1, d[1]), 4),
        "gateway_ack_over_10ms": round((d[1] - d[3]) / max(1, d[1]), 4),
        # PostgreSQL: commits whose gateway copy was behind (another gateway's commit not yet relayed), so
        # they took extra round trips; per acked submit in the window
        "commits_caught_up": round(d[4] / max(1, d[1]), 4),
        # gateway process CPU time (all threads, user + system) per committed event, over the whole run
        # (connect, warm-up and tail included): the cost the fan-out optimisations cut, less noisy than p99
        "gateway_cpu_ms_per_event": [round(c * 1000 / max(1, b - a), 3) for c, a, b in zip(cpu, before, after)],
        "acked_fraction": round(len(ack) / sent, 3) if sent else None,
        "connections_lost": len(closed), "lost_how": sorted(set(closed)),
        "client_processes": min(procs, n), "client_loop": "/".join(loops),
    }


def progress(row):
    print(f"  {row['clients']} clients: ack p99 {row['ack_ms']['p99']} ms, propagation p99 {row['propagation_ms']['p99']} ms, "
          f"client send lag p99 {row['send_lag_ms']['p99']} ms",
          file=sys.stderr, flush=True)
    return row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    ap.add_argument("--rate", type=float, default=100.0, help="events per second, all clients together")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "pg"], choices=["sqlite", "pg"])
    ap.add_argument("--client-procs", type=int, default=2, help="load-generator processes the clients are spread over")
    ap.add_argument("--client-loop", default="auto", choices=["auto", "uvloop", "asyncio"], help="the clients' event loop")
    ap.add_argument("--gateway-loop", default="auto", choices=["auto", "uvloop", "asyncio"], help="`wiretuner serve --loop`")
    args = ap.parse_args(argv)
    extra = ["--rate", "1000", "--loop", args.gateway_loop]
    run = dict(procs=max(1, args.client_procs), loop_kind=args.client_loop)
    import os

    out = {"machine": f"{sys.platform}, {os.cpu_count()} cores, loopback", "load_average_at_start": os.getloadavg(),
           "client_processes": run["procs"], "results": {}}
    tmp = Path(tempfile.mkdtemp(prefix="wt-bench-"))
    if "sqlite" in args.backends:
        gw = GatewayProcess(str(tmp / "bench.sqlite"), None, extra=extra)
        out["gateway_loop"] = gateway_loop(gw.port)
        try:
            out["results"]["sqlite_1_gateway"] = [progress(bench([gw], n, args.rate, args.seconds, args.warmup, "sq", **run))
                                                  for n in args.clients]
        finally:
            gw.stop()
    if "pg" in args.backends:
        pg, rd = Postgres(), Redis()
        gws = []
        try:
            gws = [GatewayProcess(pg.url, rd.url, extra=extra) for _ in range(2)]
            out["gateway_loop"] = gateway_loop(gws[0].port)
            out["results"]["postgres_redis_2_gateways"] = [progress(bench(gws, n, args.rate, args.seconds, args.warmup, "pg", **run))
                                                           for n in args.clients]
        finally:
            for g in gws:
                g.stop()
            rd.stop()
            pg.stop()
    for name, rows in out["results"].items():
        print(f"\n{name}")
        print(f"{'clients':>8} {'ack p50':>9} {'ack p99':>9} {'prop p50':>9} {'prop p99':>9} {'lag p99':>9}  events/s per gateway")
        for r in rows:
            print(f"{r['clients']:>8} {r['ack_ms']['p50']!s:>9} {r['ack_ms']['p99']!s:>9} {r['propagation_ms']['p50']!s:>9} "
                  f"{r['propagation_ms']['p99']!s:>9} {r['send_lag_ms']['p99']!s:>9}  {r['events_per_s_per_gateway']}  "
                  f"lost {r['connections_lost']}")
    print(f"\nload average at start {out['load_average_at_start']}, gateway loop {out.get('gateway_loop')}, "
          f"clients in {run['procs']} processes on {args.client_loop}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
