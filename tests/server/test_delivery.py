"""How the gateway gets frames to clients: prebuilt frames written straight to the socket, the queued
path when a socket backs up (order kept, nothing lost), the event loop choice, and the PostgreSQL
commit that trusts its copy first and catches up when another gateway moved the head."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.request

import aiohttp
import pytest

from wiretuner_gl.errors import WireTunerError
from wiretuner_gl.events import types as T
from wiretuner_gl.model import Artboard, Layer, RectGeom, Shape
from wiretuner_gl.model.ids import key_between
from wiretuner_gl.server import ServerConfig
from wiretuner_gl.server.connection import Records, text_frame
from wiretuner_gl.server.loops import loop_name, new_event_loop
from wiretuner_gl.server.runner import GatewayThread
from wiretuner_gl.server.storage import DocState
from wiretuner_gl.sync.protocol import WireEvent

from ._raw import hello

pytestmark = pytest.mark.server


def artboard(client: str, n: int, name: str = "A") -> dict:
    ab = Artboard(f"artboard:{client}.{n}", name, 0, 0, 10, 10, key_between(None, None))
    return WireEvent.of(f"{client}:{n}", T.ArtboardCreated(ab)).to_json()


def submit(client: str, n: int, name: str = "A") -> dict:
    return {"type": "submit", "group": f"{client}.g{n}", "cause": None, "events": [artboard(client, n, name)]}


# ---------------------------------------------------------------------------------------------- frames
class _Capture:
    def __init__(self):
        self.out = bytearray()

    def write(self, b):
        self.out += b

    def is_closing(self):
        return False


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70_000])
def test_prebuilt_text_frame_is_byte_identical_to_aiohttps_server_frame(size):
    from aiohttp.http import WebSocketWriter, WSMsgType

    payload = ("é" * size).encode("utf-8")[:size]
    t = _Capture()

    class Proto:
        _paused = False

    w = WebSocketWriter(Proto(), t, use_mask=False, limit=1 << 30)
    asyncio.run(w.send_frame(payload, WSMsgType.TEXT))
    assert text_frame(payload) == bytes(t.out)


def test_records_are_serialized_and_framed_once():
    r = Records([{"seq": 1, "eid": "a:1"}, {"seq": 2, "eid": "a:2"}])
    assert json.loads(r.text) == {"type": "events", "records": [{"seq": 1, "eid": "a:1"}, {"seq": 2, "eid": "a:2"}]}
    assert r.frame is r.frame and r.frame == text_frame(r.text.encode())


# ------------------------------------------------------------------------------------------ event loop
def test_event_loop_choice_uvloop_asyncio_auto_and_a_clear_error():
    for kind, want in (("asyncio", "asyncio"), ("uvloop", "uvloop"), ("auto", "uvloop")):
        loop = new_event_loop(kind)
        try:
            assert loop_name(loop) == want
        finally:
            loop.close()
    with pytest.raises(WireTunerError, match="auto, uvloop, asyncio"):
        new_event_loop("trio")


def test_serve_loop_flag_reaches_the_gateway(tmp_path):
    from ._procs import GatewayProcess

    gw = GatewayProcess(str(tmp_path / "loop.sqlite"), None, extra=["--loop", "asyncio"])
    try:
        status, body = gw.get("/healthz")
        assert status == 200 and json.loads(body)["loop"] == "asyncio"
    finally:
        gw.stop()
    r = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "serve", "--loop", "trio"], capture_output=True, text=True)
    assert r.returncode == 2 and "--loop" in r.stderr


async def _collect(ws, until_seq: int, timeout: float = 20.0) -> list[int]:
    seqs: list[int] = []
    while not seqs or seqs[-1] < until_seq:
        m = await asyncio.wait_for(ws.receive(), timeout)
        assert m.type == aiohttp.WSMsgType.TEXT, m
        d = json.loads(m.data)
        if d["type"] == "events":
            seqs += [r["seq"] for r in d["records"]]
    return seqs


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_every_client_gets_every_other_clients_records_in_seq_order_on_either_loop(tmp_path, authority, loop):
    gw = GatewayThread(ServerConfig(port=0, database=str(tmp_path / "fan.sqlite"), sqlite_synchronous="NORMAL",
                                    loop=loop), authority).start()
    n_clients, per_client = 6, 15
    total = n_clients * per_client

    async def run():
        url = f"{gw.url}/v1/documents/fan/ws"
        async with aiohttp.ClientSession() as s:
            wss = [await s.ws_connect(url) for _ in range(n_clients)]
            for i, ws in enumerate(wss):
                await ws.send_json(hello(authority.mint(f"u{i}", "fan", "editor"), f"c{i}"))
                assert json.loads((await ws.receive()).data)["type"] == "welcome"

            async def client(i, ws):
                acked, seen = [], []
                for k in range(1, per_client + 1):
                    await ws.send_json(submit(f"c{i}", k))
                while len(acked) < per_client or len(acked) + len(seen) < total:
                    d = json.loads((await asyncio.wait_for(ws.receive(), 20)).data)
                    if d["type"] == "ack":
                        acked += d["seqs"]
                    elif d["type"] == "events":
                        seen += [r["seq"] for r in d["records"]]
                return acked, seen

            out = await asyncio.gather(*(client(i, ws) for i, ws in enumerate(wss)))
            for ws in wss:
                await ws.close()
            return out

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.port}/healthz", timeout=5) as r:
            assert json.loads(r.read())["loop"] == loop
        for acked, seen in asyncio.run(run()):
            assert seen == sorted(seen) and len(set(seen)) == len(seen)  # in order, once each
            assert sorted(acked + seen) == list(range(1, total + 1))  # own acks + others' records: everything
    finally:
        gw.stop()


def test_a_reader_that_falls_behind_gets_every_record_in_order_once_it_reads_again(tmp_path, authority):
    """The sleeper's socket fills, so frames queue (the slow path) while the writer keeps going; then the
    sleeper reads again while the writer goes on (the queue drains as new records arrive): it gets every
    seq, in order, with nothing lost or repeated."""
    gw = GatewayThread(ServerConfig(port=0, database=str(tmp_path / "lag.sqlite"), sqlite_synchronous="OFF",
                                    rate=10_000, burst=10_000), authority).start()
    big = "n" * 20_000
    n = 800

    async def run():
        url = f"{gw.url}/v1/documents/lag/ws"
        async with aiohttp.ClientSession() as s:
            sleeper = await s.ws_connect(url, max_msg_size=0)
            await sleeper.send_json(hello(authority.mint("z", "lag", "viewer"), "sleeper"))
            assert json.loads((await sleeper.receive()).data)["type"] == "welcome"
            async with s.ws_connect(url) as w:
                await w.send_json(hello(authority.mint("w", "lag", "editor"), "writer"))
                await w.receive()
                async def write(first, last):
                    for i in range(first, last + 1):
                        await w.send_json(submit("writer", i, big))
                        assert json.loads((await w.receive()).data)["type"] == "ack"

                async def queued():
                    return max(c.queue.qsize() + (1 if c._sending else 0) for c in gw.gateway.conns)

                await write(1, n // 2)
                backed_up = gw.call(queued())
                seqs, _ = await asyncio.gather(_collect(sleeper, n), write(n // 2 + 1, n))
            await sleeper.close()
            return backed_up, seqs

    try:
        backed_up, seqs = asyncio.run(run())
        assert backed_up > 0  # the queued path really ran
        assert seqs == list(range(1, n + 1))
        assert not gw.gateway.metrics.closes
    finally:
        gw.stop()


# ------------------------------------------------------------------------------------ document copies
def _rec(seq: int, ev) -> dict:
    w = WireEvent.of(f"o:{seq}", ev)
    return {"seq": seq, "eid": w.eid, "actor": "o", "ts": 0.0, "group": "g", "cause": None, "kind": w.kind, "v": w.v,
            "data": w.data}


AB = Artboard("artboard:o.1", "A", 0, 0, 10, 10, key_between(None, None))
LAYER = Layer("layer:o.2", AB.id, "L", key_between(None, None))
SHAPE = Shape("shape:o.3", LAYER.id, key_between(None, None), RectGeom(0, 0, 1, 1))


def test_relayed_records_advance_the_copy_only_when_they_continue_it_exactly():
    st = DocState()
    st.observe([_rec(2, T.LayerCreated(LAYER))])  # a gap: left to the catch-up
    assert st.seq == 0
    st.observe([_rec(1, T.ArtboardCreated(AB)), _rec(2, T.LayerCreated(LAYER))])
    assert st.seq == 2 and LAYER.id in st.doc.layers
    st.observe([_rec(1, T.ArtboardCreated(AB))])  # a repeat: ignored
    assert st.seq == 2
    before = st.doc
    st.observe([_rec(3, T.ObjectDeleted(SHAPE))])  # does not apply: the copy is unchanged
    assert st.seq == 2 and st.doc is before
    bad = _rec(3, T.ObjectCreated(SHAPE)) | {"data": {"node": "not a node"}}
    st.observe([bad])
    assert st.seq == 2 and st.doc is before


def test_catch_up_skips_rows_already_applied_and_is_all_or_nothing():
    st = DocState()
    rows = [(1, "ArtboardCreated", 1, _rec(1, T.ArtboardCreated(AB))["data"]),
            (2, "LayerCreated", 1, _rec(2, T.LayerCreated(LAYER))["data"])]
    st.catch_up(rows[:1])
    st.catch_up(rows)  # row 1 again, as a query issued before a relayed record arrived would return it
    assert st.seq == 2
    before = st.doc
    with pytest.raises(WireTunerError):
        st.catch_up([(3, "ObjectCreated", 1, _rec(3, T.ObjectCreated(SHAPE))["data"]), (4, "ObjectCreated", 1, {"node": 1})])
    assert st.seq == 2 and st.doc is before


def test_postgres_commit_on_a_stale_copy_catches_up_instead_of_refusing(postgres):
    """Gateway B has not heard of A's commits: its first, optimistic try must not refuse an edit that
    depends on them, nor take their seqs; it catches up from the database and commits after them."""
    from wiretuner_gl.server.storage_pg import PostgresStorage

    a, b = PostgresStorage(postgres.url, loop="asyncio"), PostgresStorage(postgres.url)

    async def run():
        await a.open()
        await b.open()
        try:
            sa, sb = DocState(), DocState()
            setup = [WireEvent.of(f"a:{i + 1}", e) for i, e in
                     enumerate([T.ArtboardCreated(AB), T.LayerCreated(LAYER), T.ObjectCreated(SHAPE)])]
            ra = await a.commit("stale", sa, "a", "ga", None, setup, [w.decode() for w in setup])
            moved = (1.0, 0.0, 0.0, 1.0, 3.0, 4.0)
            edit = [WireEvent.of("b:1", T.ObjectTransformed(SHAPE.id, SHAPE.transform, moved))]
            rb = await b.commit("stale", sb, "b", "gb", None, edit, [w.decode() for w in edit])
            again = await b.commit("stale", sb, "b", "gb", None, edit, [w.decode() for w in edit])
            assert (a.catch_ups, b.catch_ups) == (0, 1)  # only B's first commit needed the database's rows
            return ra, rb, again, sb, await a.range("stale", 1)
        finally:
            await a.close()
            await b.close()

    ra, rb, again, sb, rows = asyncio.run(run())
    assert ra.seqs == [1, 2, 3] and rb.reject is None and rb.seqs == [4]
    assert again.duplicate and again.seqs == [4]
    assert sb.seq == 4 and sb.doc.objects[SHAPE.id].transform == (1.0, 0.0, 0.0, 1.0, 3.0, 4.0)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]


# ------------------------------------------------------------------------------------------ group commit
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_submits_arriving_during_a_commit_go_together_in_arrival_order_each_judged_alone(backend, tmp_path, request):
    """Ten submits at once: the first commits alone, the rest wait and share the next transaction(s); seqs
    follow arrival order, a submit that does not apply is refused without affecting the others, and a
    resend inside a group is answered with its first seqs."""
    from wiretuner_gl.server.storage import Submit, commit_grouped, open_storage

    url = request.getfixturevalue("postgres").url if backend == "postgresql" else str(tmp_path / "group.sqlite")
    storage = open_storage(url)
    doc = f"group-{backend}"
    calls = []
    inner = storage.commit_many

    async def counting(d, st, items):
        calls.append(len(items))
        return await inner(d, st, items)

    storage.commit_many = counting

    def sub(client, n, ev):
        w = [WireEvent.of(f"{client}:{n}", ev)]
        return Submit(client, f"{client}.g{n}", None, w, [x.decode() for x in w])

    async def run():
        await storage.open()
        try:
            st = DocState()
            first = await commit_grouped(storage, doc, st, sub("a", 1, T.ArtboardCreated(AB)))
            items = [sub(f"c{i}", 1, T.ArtboardCreated(Artboard(f"artboard:c{i}.1", "B", 0, 0, 1, 1, key_between(None, None))))
                     for i in range(8)]
            items.insert(3, sub("bad", 1, T.LayerCreated(Layer("layer:bad.1", "artboard:missing.1", "L", "a0"))))
            items.insert(6, sub("a", 1, T.ArtboardCreated(AB)))  # a resend of the first submit
            res = await asyncio.gather(*(commit_grouped(storage, doc, st, it) for it in items))
            return first, res, st.seq, await storage.range(doc, 1)
        finally:
            await storage.close()

    first, res, head, rows = asyncio.run(run())
    assert first.seqs == [1]
    assert len(calls) < 1 + len(res)  # grouped: fewer transactions than submits
    assert res[3].reject and res[6].duplicate and res[6].seqs == [1]
    good = [r for k, r in enumerate(res) if k not in (3, 6)]
    assert [r.seqs for r in good] == [[s] for s in range(2, 10)] and head == 9
    assert [r["eid"] for r in rows] == ["a:1"] + [f"c{i}:1" for i in range(8)]
