"""Hostile input: each refused with a clear close code, and the gateway unharmed afterwards."""

from __future__ import annotations

import time
import urllib.request

import jwt
import pytest

from wiretuner_gl.server.auth import AUDIENCE, ISSUER
from wiretuner_gl.sync import protocol as P

from ._raw import exchange, hello

pytestmark = pytest.mark.fault


@pytest.fixture
def ws_url(sqlite_gateway):
    return f"{sqlite_gateway.url}/v1/documents/hostile/ws"


@pytest.fixture(autouse=True)
def gateway_unharmed(sqlite_gateway, authority):
    yield
    with urllib.request.urlopen(f"http://127.0.0.1:{sqlite_gateway.port}/healthz", timeout=5) as r:
        assert r.status == 200
    # and a well-behaved client is still served
    code, got = exchange(f"{sqlite_gateway.url}/v1/documents/hostile/ws",
                         [hello(authority.mint("ok", "hostile", "editor"), "okclient"), {"type": "ping"}], wait=0.5)
    assert [m["type"] for m in got][:1] == ["welcome"] and any(m["type"] == "pong" for m in got)


def _claims(**over):
    now = int(time.time())
    c = {"sub": "mallory", "doc": "hostile", "role": "editor", "typ": "access", "aud": AUDIENCE, "iss": ISSUER,
         "iat": now, "exp": now + 600}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def test_malformed_json_closes_with_bad_message(ws_url, authority):
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor")), "{not json"])
    assert code == P.CLOSE_BAD_MESSAGE


def test_non_object_frame_closes_with_bad_message(ws_url):
    assert exchange(ws_url, ["[1, 2, 3]"])[0] == P.CLOSE_BAD_MESSAGE


def test_binary_frame_closes_with_bad_message(ws_url):
    assert exchange(ws_url, [b"\x00\x01"])[0] == P.CLOSE_BAD_MESSAGE


def test_unknown_message_type_closes_with_4405(ws_url, authority):
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor")), {"type": "drop_tables"}])
    assert code == P.CLOSE_UNKNOWN_TYPE


def test_oversized_frame_closes_with_1009(ws_url, authority):
    big = {"type": "presence", "name": "x" * (80 * 1024)}
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor")), big])
    assert code == P.CLOSE_TOO_BIG


def test_flood_closes_with_rate_limit(ws_url, authority):
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor"))] + [{"type": "ping"}] * 3000)
    assert code == P.CLOSE_RATE_LIMITED


def test_edit_before_hello_is_a_protocol_violation(ws_url):
    assert exchange(ws_url, [{"type": "submit", "group": "g", "events": []}])[0] == P.CLOSE_PROTOCOL


def test_alg_none_token_is_refused(ws_url):
    token = jwt.encode(_claims(), None, algorithm="none")
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_token_signed_with_another_key_is_refused(ws_url):
    token = jwt.encode(_claims(), "another-key-" + "y" * 40, algorithm="HS256")
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_expired_token_is_refused(ws_url, authority):
    token = authority.mint("m", "hostile", "editor", now=time.time() - 3600)
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_wrong_audience_is_refused(ws_url):
    from ._procs import SECRET

    token = jwt.encode(_claims(aud="someone-else"), SECRET, algorithm="HS256")
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_token_without_exp_is_refused(ws_url):
    from ._procs import SECRET

    token = jwt.encode(_claims(exp=None), SECRET, algorithm="HS256")
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_token_living_longer_than_15_minutes_is_refused(ws_url):
    from ._procs import SECRET

    now = int(time.time())
    token = jwt.encode(_claims(iat=now, exp=now + 24 * 3600), SECRET, algorithm="HS256")
    assert exchange(ws_url, [hello(token)])[0] == P.CLOSE_UNAUTHENTICATED


def test_viewer_cannot_edit(ws_url, authority):
    sub = {"type": "submit", "group": "g1", "cause": None,
           "events": [{"eid": "raw:1", "kind": "LayerRenamed", "v": 1, "data": {"id": "layer:x", "before": "a", "after": "b"}}]}
    code, got = exchange(ws_url, [hello(authority.mint("v", "hostile", "viewer")), sub])
    assert code == P.CLOSE_FORBIDDEN
    assert not any(m["type"] == "ack" for m in got)


def test_token_for_another_document_is_refused(sqlite_gateway, authority):
    url = f"{sqlite_gateway.url}/v1/documents/secret-plans/ws"
    assert exchange(url, [hello(authority.mint("m", "hostile", "owner"))])[0] == P.CLOSE_WRONG_DOCUMENT


def test_event_ids_of_another_client_are_refused(ws_url, authority):
    sub = {"type": "submit", "group": "g1", "cause": None,
           "events": [{"eid": "victim:1", "kind": "LayerRenamed", "v": 1, "data": {"id": "layer:x", "before": "a", "after": "b"}}]}
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor"), "raw"), sub])
    assert code == P.CLOSE_PROTOCOL


def test_undecodable_event_closes_with_bad_message(ws_url, authority):
    sub = {"type": "submit", "group": "g1", "cause": None,
           "events": [{"eid": "raw:1", "kind": "ObjectCreated", "v": 1, "data": {"node": {"nonsense": 1}}}]}
    code, _ = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor"), "raw"), sub])
    assert code == P.CLOSE_BAD_MESSAGE


def test_event_that_does_not_apply_is_rejected_not_stored(ws_url, authority):
    sub = {"type": "submit", "group": "g1", "cause": None,
           "events": [{"eid": "raw2:1", "kind": "LayerRenamed", "v": 1, "data": {"id": "layer:nope.1", "before": "a", "after": "b"}}]}
    code, got = exchange(ws_url, [hello(authority.mint("m", "hostile", "editor"), "raw2"), sub, {"type": "ping"}], wait=0.5)
    assert code is None  # still open
    rej = [m for m in got if m["type"] == "reject"]
    assert rej and "does not exist" in rej[0]["reason"]


def test_browser_origin_not_on_the_allowlist_is_refused(ws_url):
    import aiohttp

    with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
        exchange(ws_url, [], headers={"Origin": "https://evil.example"})
    assert exc.value.status == 403


def test_a_client_that_stops_reading_is_closed_with_1013_not_buffered_forever(tmp_path, authority):
    import asyncio

    import aiohttp

    from wiretuner_gl.server import ServerConfig
    from wiretuner_gl.server.runner import GatewayThread

    gw = GatewayThread(ServerConfig(port=0, database=str(tmp_path / "slow.sqlite"), sqlite_synchronous="OFF",
                                    send_queue=20, rate=10_000, burst=10_000), authority).start()
    big = "n" * 30_000

    async def run():
        url = f"{gw.url}/v1/documents/slow/ws"
        async with aiohttp.ClientSession() as s:
            sleeper = await s.ws_connect(url)
            await sleeper.send_json(hello(authority.mint("z", "slow", "viewer"), "sleeper"))
            await sleeper.receive()  # welcome; from now on it reads nothing
            async with s.ws_connect(url) as w:
                await w.send_json(hello(authority.mint("w", "slow", "editor"), "writer"))
                await w.receive()
                for i in range(1, 1500):
                    ev = {"eid": f"writer:{i}", "kind": "ArtboardCreated", "v": 1,
                          "data": {"node": {"id": f"artboard:writer.{i}", "name": big, "x": 0.0, "y": 0.0,
                                            "width": 1.0, "height": 1.0, "order": "a0", "background": None}}}
                    await w.send_json({"type": "submit", "group": f"g{i}", "cause": None, "events": [ev]})
                    await w.receive()  # ack
                    if sleeper.closed or gw.gateway.metrics.closes.get(P.CLOSE_TRY_AGAIN):
                        break
            return dict(gw.gateway.metrics.closes)

    try:
        closes = asyncio.run(run())
        assert closes.get(P.CLOSE_TRY_AGAIN, 0) >= 1
    finally:
        gw.stop()
