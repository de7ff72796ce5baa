"""Faults with real processes: a gateway killed mid-stream, Redis restarted, a frame cut in half."""

from __future__ import annotations

import base64
import os
import random
import socket
import time

import pytest

from tests.edits import random_edit

from ._clients import live_client, server_state
from ._procs import GatewayProcess
from ._raw import exchange, hello

pytestmark = [pytest.mark.server, pytest.mark.fault]


def test_killed_gateway_loses_nothing_acknowledged(tmp_path, postgres, redis_server, authority):
    gws = [GatewayProcess(postgres.url, redis_server.url) for _ in range(2)]
    urls = [g.url for g in gws]
    clients = [live_client(tmp_path, f"k{i}", urls[i % 2:] + urls[:i % 2], "killed", authority) for i in range(4)]
    try:
        r = random.Random(7)
        for step in range(120):
            c = clients[step % 4]
            c.drain()
            random_edit(c.session, r)
            if step == 60:
                time.sleep(0.2)
                for c2 in clients:
                    c2.drain()
                acked_before = {e for c2 in clients for e in c2.acked}
                random_edit(clients[0].session, r)  # in flight while the gateway dies
                gws[0].kill()  # mid-stream: clients on it move to the other gateway
        for _ in range(2):
            for c in clients:
                c.sync(30)
        assert all(c.client.reconnects >= 1 for c in clients[::2])
        doc_hash = server_state(urls[1].replace("ws://", "http://"), "killed", authority).state_hash()
        assert {c.state_hash for c in clients} == {doc_hash}
        acked_after = {e for c in clients for e in c.acked}
        assert acked_before and acked_before <= acked_after
    finally:
        for c in clients:
            c.close()
        for g in gws:
            g.stop()


def test_redis_restart_is_survived_and_clients_converge(tmp_path, two_gateways, redis_server, authority):
    urls = [g.url for g in two_gateways]
    a = live_client(tmp_path, "ra", [urls[0]], "redis-restart", authority)
    b = live_client(tmp_path, "rb", [urls[1]], "redis-restart", authority)
    try:
        r = random.Random(3)
        for i in range(20):
            random_edit((a, b)[i % 2].session, r)
            (a, b)[i % 2].drain()
        redis_server.restart()
        for i in range(20):  # pub/sub is down or reconnecting: events still commit; clients fetch the gaps
            random_edit((a, b)[i % 2].session, r)
            (a, b)[i % 2].drain()
        for c in (a, b, a, b):
            c.sync(30)
        assert a.state_hash == b.state_hash
        deadline = time.time() + 15
        while time.time() < deadline and any(g.get("/readyz")[0] != 200 for g in two_gateways):
            time.sleep(0.2)
        assert all(g.get("/readyz")[0] == 200 for g in two_gateways), "gateways did not resubscribe to Redis"
        random_edit(a.session, r)
        for c in (a, b, a, b):
            c.sync(30)
        assert a.state_hash == b.state_hash
    finally:
        a.close()
        b.close()


def test_connection_dropped_mid_frame_leaves_the_gateway_unharmed(two_gateways, authority):
    g = two_gateways[0]
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", g.port), 5) as s:
        s.sendall((f"GET /v1/documents/cut/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        assert b"101" in s.recv(4096).split(b"\r\n")[0]
        # a masked text frame announcing 1000 bytes, of which only 10 are sent before the socket closes
        s.sendall(bytes([0x81, 0x80 | 126]) + (1000).to_bytes(2, "big") + os.urandom(4) + b"x" * 10)
    assert g.get("/healthz")[0] == 200
    code, got = exchange(f"{g.url}/v1/documents/cut/ws", [hello(authority.mint("ok", "cut", "editor"), "after"),
                                                          {"type": "ping"}], wait=0.5)
    assert code is None and any(m["type"] == "pong" for m in got)


def test_presence_crosses_gateways_through_redis(tmp_path, two_gateways, authority):
    urls = [g.url for g in two_gateways]
    a = live_client(tmp_path, "pa", [urls[0]], "presence-2gw", authority)
    b = live_client(tmp_path, "pb", [urls[1]], "presence-2gw", authority)
    try:
        a.sync()
        b.sync()
        deadline = time.time() + 10
        while time.time() < deadline and "pa" not in b.peers:
            a.presence(cursor=[1, 2], name="Ada", colour="#00ff00")
            time.sleep(0.1)
            b.drain()
        assert b.peers["pa"]["cursor"] == [1, 2] and b.peers["pa"]["user"] == "user-pa"
        a.close()
        deadline = time.time() + 10
        while time.time() < deadline and "pa" in b.peers:
            time.sleep(0.1)
            b.drain()
        assert "pa" not in b.peers, "presence_left did not cross gateways"
    finally:
        a.close()
        b.close()


def test_client_connection_cut_mid_frame_reconnects_and_loses_nothing(tmp_path, sqlite_gateway, authority):
    from wiretuner_gl.events import types as T
    from wiretuner_gl.model import RectGeom, Shape

    a = live_client(tmp_path, "cut-a", [sqlite_gateway.url], "cut-client", authority)
    b = live_client(tmp_path, "cut-b", [sqlite_gateway.url], "cut-client", authority)
    try:
        _, layer = a.session.add_artboard("A", 0, 0, 100, 100)
        a.sync()

        def cut():  # half a frame on the wire, then the socket dies
            tr = a.client._ws._writer.transport
            tr.write(bytes([0x81, 0x80 | 126]) + (5000).to_bytes(2, "big") + os.urandom(4) + b"y" * 100)
            tr.abort()

        a.client.loop.call_soon_threadsafe(cut)
        made = []
        for i in range(10):
            s = Shape(a.session.ids.new("shape"), layer, a.session.next_order(layer), RectGeom(i, i, 3, 3))
            a.session.apply([T.ObjectCreated(s)])
            made.append(s.id)
        for c in (a, b, a, b):
            c.sync(30)
        assert a.client.reconnects >= 1
        assert all(m in b.session.doc.objects for m in made) and a.state_hash == b.state_hash
    finally:
        a.close()
        b.close()
