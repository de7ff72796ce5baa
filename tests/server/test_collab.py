"""What users of shared editors complain about most, tested against a real gateway (SQLite)."""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request

import pytest

from wiretuner_gl.events import types as T
from wiretuner_gl.model import Color, RectGeom, Shape, Style
from wiretuner_gl.sync import protocol as P

from ._clients import live_client, server_state
from ._raw import exchange, hello


def _pair(tmp, gw, authority, doc, n=2):
    cs = [live_client(tmp, f"u{i}", [gw.url], doc, authority) for i in range(n)]
    a = cs[0]
    ab, layer = a.session.add_artboard("A", 0, 0, 100, 100)
    shape = Shape(a.session.ids.new("shape"), layer, a.session.next_order(layer), RectGeom(0, 0, 10, 10))
    a.session.apply([T.ObjectCreated(shape)])
    for c in cs + cs:
        c.sync()
    return cs, shape


def _close(cs):
    for c in cs:
        c.close()


def test_concurrent_edits_to_different_properties_both_survive(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "props")
    try:
        a.client.go_offline(0.3)
        moved = (1.0, 0.0, 0.0, 1.0, 5.0, 5.0)
        red = Style(Color(1, 0, 0, 1))
        a.session.apply([T.ObjectTransformed(sh.id, sh.transform, moved)])
        b.session.apply([T.ObjectRestyled(sh.id, sh.style, red)])
        for c in (a, b, a, b):
            c.sync()
        for c in (a, b):
            o = c.session.doc.objects[sh.id]
            assert o.transform == moved and o.style == red
    finally:
        _close((a, b))


def test_same_property_later_in_server_order_wins_everywhere(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "lww")
    try:
        a.client.go_offline(0.5)
        a.session.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 1.0, 1.0))])
        b.session.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 2.0, 2.0))])
        b.sync()  # b's edit is sequenced first; a's arrives later when a comes back
        for c in (a, b, a, b):
            c.sync()
        assert a.session.doc.objects[sh.id].transform[4] == 1.0
        assert b.session.doc.objects[sh.id].transform[4] == 1.0
    finally:
        _close((a, b))


def test_edit_to_object_deleted_concurrently_is_dropped_and_reported(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "deleted")
    try:
        a.client.go_offline(0.5)
        a.session.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 9.0, 9.0))])
        b.session.apply([T.ObjectDeleted(sh)])
        b.sync()
        for c in (a, b, a, b):
            c.sync()
        assert sh.id not in a.session.doc.objects and sh.id not in b.session.doc.objects
        assert len(a.dropped) == 1 and "does not exist" in a.dropped[0].reason
        assert a.state_hash == b.state_hash
    finally:
        _close((a, b))


def test_deleted_object_does_not_reappear_after_reconnect(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "zombie")
    try:
        a.client.go_offline(0.3)
        b.session.apply([T.ObjectDeleted(sh)])
        b.sync()
        for c in (a, b, a):
            c.sync()
        assert sh.id not in a.session.doc.objects
    finally:
        _close((a, b))


def test_offline_edits_upload_once_on_reconnect(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "offline")
    try:
        a.client.go_offline(0.6)
        time.sleep(0.05)
        layer = sh.parent
        made = []
        for i in range(20):
            s = Shape(a.session.ids.new("shape"), layer, a.session.next_order(layer), RectGeom(i, i, 5, 5))
            a.session.apply([T.ObjectCreated(s)])
            made.append(s.id)
        assert a.client.connected is False
        for c in (a, b, a, b):
            c.sync()
        assert all(m in b.session.doc.objects for m in made)
        doc = server_state(sqlite_gateway.url.replace("ws://", "http://"), "offline", authority)
        assert all(m in doc.objects for m in made) and doc.state_hash() == a.state_hash
        path = sqlite_gateway.gateway.storage.path
        with sqlite3.connect(path) as db:
            eids = [r[0] for r in db.execute("SELECT eid FROM events WHERE doc = 'offline'")]
        assert len(eids) == len(set(eids))
    finally:
        _close((a, b))


def test_undo_undoes_only_the_local_users_edit(tmp_path, sqlite_gateway, authority):
    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "undo")
    try:
        red = Style(Color(1, 0, 0, 1))
        moved = (1.0, 0.0, 0.0, 1.0, 7.0, 7.0)
        a.session.apply([T.ObjectRestyled(sh.id, sh.style, red)])
        a.sync()
        b.sync()
        b.session.apply([T.ObjectTransformed(sh.id, sh.transform, moved)])
        b.sync()
        a.sync()
        a.session.undo()  # a's last operation is the restyle, not b's move
        for c in (a, b, a, b):
            c.sync()
        for c in (a, b):
            o = c.session.doc.objects[sh.id]
            assert o.style == sh.style and o.transform == moved
        assert not any(g.startswith("u0") for g in b.session.history.undo_stack)
    finally:
        _close((a, b))


def test_presence_is_relayed_thinned_and_never_stored(tmp_path, sqlite_gateway, authority):
    a = live_client(tmp_path, "p0", [sqlite_gateway.url], "presence", authority)
    b = live_client(tmp_path, "p1", [sqlite_gateway.url], "presence", authority)
    try:
        a.sync()
        b.sync()
        got = []
        for i in range(100):
            a.presence(cursor=[i, i], name="Ada", colour="#ff0000")
        time.sleep(0.4)
        while not b.client.inbox.empty():
            item = b.client.inbox.get()
            if item[0] == "presence":
                got.append(item[1])
        assert got, "presence was not relayed"
        assert len(got) < 30, f"presence not thinned: {len(got)} of 100 relayed"
        assert got[-1]["cursor"] == [99, 99] and got[-1]["name"] == "Ada"
        with sqlite3.connect(sqlite_gateway.gateway.storage.path) as db:
            assert db.execute("SELECT count(*) FROM events WHERE doc = 'presence'").fetchone()[0] == 0
    finally:
        _close((a, b))


def test_refresh_token_buys_a_new_access_token_and_access_tokens_cannot_refresh(sqlite_gateway, authority):
    base = f"http://127.0.0.1:{sqlite_gateway.port}/v1/auth/refresh"

    def post(tok):
        req = urllib.request.Request(base, method="POST", headers={"Authorization": f"Bearer {tok}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    status, body = post(authority.mint("ada", "doc-r", "editor", ttl=3600, typ="refresh"))
    assert status == 200 and authority.verify(body["token"]).role == "editor"
    status, body = post(authority.mint("ada", "doc-r", "editor"))
    assert status == 401 and "refresh" in body["error"]


def test_expired_token_closes_an_open_connection_unless_refreshed(sqlite_gateway, authority):
    url = f"{sqlite_gateway.url}/v1/documents/expiry/ws"
    code, _ = exchange(url, [hello(authority.mint("e", "expiry", "editor", ttl=1))], wait=9)  # exp + 5 s leeway
    assert code == P.CLOSE_UNAUTHENTICATED
    code, got = exchange(url, [hello(authority.mint("e", "expiry", "editor", ttl=1)),
                               {"type": "refresh", "token": authority.mint("e", "expiry", "editor")}], wait=7.5)
    assert code is None and any(m["type"] == "refreshed" for m in got)


def test_tokens_never_appear_in_logs(sqlite_gateway, authority, caplog):
    caplog.set_level("DEBUG")
    good = authority.mint("ada", "logs", "editor")
    bad = authority.mint("ada", "logs", "editor", now=time.time() - 3600)
    exchange(f"{sqlite_gateway.url}/v1/documents/logs/ws", [hello(good), {"type": "nope"}], wait=1)
    exchange(f"{sqlite_gateway.url}/v1/documents/logs/ws", [hello(bad)], wait=1)
    assert caplog.records, "expected some log output to check"
    assert good not in caplog.text and bad not in caplog.text
    assert good.split(".")[2] not in caplog.text


def test_health_ready_and_metrics_endpoints(sqlite_gateway):
    base = f"http://127.0.0.1:{sqlite_gateway.port}"
    with urllib.request.urlopen(base + "/healthz") as r:
        assert json.loads(r.read())["ok"] is True
    with urllib.request.urlopen(base + "/readyz") as r:
        assert json.loads(r.read())["ready"] is True
    with urllib.request.urlopen(base + "/metrics") as r:
        text = r.read().decode()
    for name in ("wiretuner_connections ", "wiretuner_events_total ", "wiretuner_events_per_second ",
                 'wiretuner_ack_latency_seconds_bucket{le="+Inf"}', "wiretuner_fanout_lag_seconds_count"):
        assert name in text


def test_two_scripted_clients_converge_through_wiretuner_serve_on_sqlite(tmp_path, authority):
    import random

    from tests.edits import random_edit

    from ._procs import GatewayProcess

    g = GatewayProcess(str(tmp_path / "served.sqlite"), None)
    a = live_client(tmp_path, "sa", [g.url], "served", authority)
    b = live_client(tmp_path, "sb", [g.url], "served", authority)
    try:
        r = random.Random(11)
        for i in range(40):
            c = (a, b)[r.random() < 0.5]
            c.drain()
            random_edit(c.session, r)
        for c in (a, b, a, b):
            c.sync(30)
        assert a.state_hash == b.state_hash == a.session.doc.state_hash()
        assert a.replica.seq > 0 and (tmp_path / "served.sqlite").exists()
    finally:
        a.close()
        b.close()
        g.stop()


def test_serve_refuses_to_start_without_a_secret(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "WIRETUNER_JWT_SECRET"}
    r = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "serve", "--port", "0", "--database",
                        str(tmp_path / "x.sqlite")], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 2 and "WIRETUNER_JWT_SECRET" in r.stderr and "Traceback" not in r.stderr


def test_edits_made_offline_survive_quitting_and_upload_after_reopening(tmp_path, sqlite_gateway, authority):
    from wiretuner_gl.sync.live import LiveDocument

    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "reopen")
    layer = sh.parent
    acked_first = set(a.acked)
    a.client.go_offline(60)
    time.sleep(0.05)
    made = []
    for i in range(5):
        s = Shape(a.session.ids.new("shape"), layer, a.session.next_order(layer), RectGeom(i, i, 5, 5))
        a.session.apply([T.ObjectCreated(s)])
        made.append(s.id)
    path = a.session.store.path
    a.close()
    a.session.close()  # the user quits while offline
    b.session.apply([T.ObjectDeleted(sh)])
    b.sync()
    a2 = LiveDocument.open_journal(path, [sqlite_gateway.url], "reopen",
                                   lambda: authority.mint("user-u0", "reopen", "editor"), ping_interval=0.3)
    assert [len(p.eids) for p in a2.replica.pending] == [1] * 5  # exactly the unacknowledged edits, as they were made
    a2.start()
    try:
        for c in (a2, b, a2, b):
            c.sync()
        assert all(m in b.session.doc.objects for m in made) and sh.id not in a2.session.doc.objects
        assert a2.state_hash == b.state_hash == a2.session.doc.state_hash()
        assert acked_first <= a2.acked
        with sqlite3.connect(sqlite_gateway.gateway.storage.path) as db:
            eids = [r[0] for r in db.execute("SELECT eid FROM events WHERE doc = 'reopen'")]
        assert len(eids) == len(set(eids))
        a2.session.undo()  # undo still knows the user's own last operation
        a2.sync()
        b.sync()
        assert made[-1] not in b.session.doc.objects
    finally:
        a2.close()
        b.close()


def test_client_refreshes_its_short_token_and_stays_connected(tmp_path, sqlite_gateway, authority):
    from wiretuner_gl.store.file import EventStore
    from wiretuner_gl.store.loader import LoadResult
    from wiretuner_gl.store.session import DocumentSession
    from wiretuner_gl.model.document import Document
    from wiretuner_gl.sync.live import LiveDocument
    from wiretuner_gl.sync.tokens import RefreshTokenProvider

    refresh = authority.mint("rita", "refreshing", "editor", ttl=3600, typ="refresh")
    minted = []

    class ShortLived(RefreshTokenProvider):
        async def __call__(self):
            tok = await super().__call__()
            minted.append(tok)
            # re-sign with a 2 s lifetime so the test does not wait 15 minutes
            ident = authority.verify(tok)
            return authority.mint(ident.user, ident.document, ident.role, ttl=2)

    s = DocumentSession(EventStore.create(tmp_path / "r.wiretuner", synchronous="OFF"), LoadResult(Document(), 0), "rita")
    live = LiveDocument(s, [sqlite_gateway.url], "refreshing", ShortLived(sqlite_gateway.url, refresh),
                        ping_interval=0.2).start()
    try:
        live.sync()
        time.sleep(8.0)  # past the first token's expiry plus the 5 s leeway
        live.session.add_artboard("A", 0, 0, 10, 10)
        live.sync()
        assert live.client.reconnects == 0 and live.client.fatal is None
        assert len(minted) >= 3  # connect + at least two refreshes
    finally:
        live.close()


def test_silent_connections_time_out_with_4408(tmp_path, authority):
    from wiretuner_gl.server import ServerConfig
    from wiretuner_gl.server.runner import GatewayThread

    gw = GatewayThread(ServerConfig(port=0, database=str(tmp_path / "t.sqlite"), hello_timeout=0.3, idle_timeout=0.6),
                       authority).start()
    try:
        url = f"{gw.url}/v1/documents/quiet/ws"
        assert exchange(url, [], wait=3)[0] == P.CLOSE_TIMEOUT  # no hello
        code, got = exchange(url, [hello(authority.mint("q", "quiet", "editor"))], wait=3)
        assert code == P.CLOSE_TIMEOUT and got[0]["type"] == "welcome"  # idle after hello
    finally:
        gw.stop()


def test_a_resent_batch_is_applied_once_and_acknowledged_with_its_first_seqs(sqlite_gateway, authority):
    ev = {"eid": "twice:1", "kind": "ArtboardCreated", "v": 1,
          "data": {"node": {"id": "artboard:twice.1", "name": "A", "x": 0.0, "y": 0.0, "width": 10.0, "height": 10.0,
                            "order": "a0", "background": None}}}
    sub = {"type": "submit", "group": "twice.g1", "cause": None, "events": [ev]}
    url = f"{sqlite_gateway.url}/v1/documents/resend/ws"
    _, got1 = exchange(url, [hello(authority.mint("t", "resend", "editor"), "twice"), sub], wait=0.5)
    _, got2 = exchange(url, [hello(authority.mint("t", "resend", "editor"), "twice", since=10 ** 9), sub], wait=0.5)
    a1 = [m for m in got1 if m["type"] == "ack"][0]
    a2 = [m for m in got2 if m["type"] == "ack"][0]
    assert a1["seqs"] == a2["seqs"] and a1["duplicate"] is False and a2["duplicate"] is True
    with sqlite3.connect(sqlite_gateway.gateway.storage.path) as db:
        assert db.execute("SELECT count(*) FROM events WHERE doc = 'resend'").fetchone()[0] == 1


def test_a_viewer_session_becomes_read_only_and_its_queued_edits_are_reported(tmp_path, sqlite_gateway, authority):
    from wiretuner_gl.errors import DocumentReadOnly

    (a, b), sh = _pair(tmp_path, sqlite_gateway, authority, "viewing")
    v = live_client(tmp_path, "viewer", [sqlite_gateway.url], "viewing", authority, role="viewer")
    try:
        v.sync()
        assert v.role == "viewer" and v.session.read_only
        with pytest.raises(DocumentReadOnly):
            v.session.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 3.0, 3.0))])
        a.session.apply([T.ObjectTransformed(sh.id, sh.transform, (1.0, 0.0, 0.0, 1.0, 4.0, 4.0))])
        for c in (a, v):
            c.sync()
        assert v.session.doc.objects[sh.id].transform[4] == 4.0  # viewers still follow along
        assert v.client.fatal is None and v.client.reconnects == 0
    finally:
        _close((a, b, v))


def test_client_refuses_a_gateway_whose_log_is_behind_it(tmp_path, authority):
    from wiretuner_gl.server import ServerConfig
    from wiretuner_gl.server.runner import GatewayThread

    gw = GatewayThread(ServerConfig(port=0, database=str(tmp_path / "first.sqlite")), authority).start()
    a = live_client(tmp_path, "fork", [gw.url], "forked", authority)
    try:
        a.session.add_artboard("A", 0, 0, 10, 10)
        a.sync()
        gw.stop()
        gw = GatewayThread(ServerConfig(port=gw.port, database=str(tmp_path / "empty.sqlite")), authority).start()
        deadline = time.time() + 10
        while time.time() < deadline and a.client.fatal is None:
            time.sleep(0.05)
        res = a.drain()
        assert res.fatal is not None and "log ends at 0" in res.fatal[1]
    finally:
        a.close()
        gw.stop()
