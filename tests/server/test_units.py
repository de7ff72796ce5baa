"""Pure parts of the collaboration stack: replica rebasing, backoff, rate limit, message checks, tokens."""

from __future__ import annotations

import random

import pytest

from wiretuner_gl.events import types as T
from wiretuner_gl.events.record import Record
from wiretuner_gl.model import Artboard, Layer, RectGeom, Shape
from wiretuner_gl.model.ids import key_between
from wiretuner_gl.server.auth import AuthError, TokenAuthority
from wiretuner_gl.server.limits import TokenBucket
from wiretuner_gl.sync import protocol as P
from wiretuner_gl.sync.backoff import Backoff
from wiretuner_gl.sync.replica import Batch, Replica

AB = Artboard("artboard:s.1", "A", 0, 0, 10, 10, key_between(None, None))
LAYER = Layer("layer:s.2", AB.id, "L", key_between(None, None))
SHAPE = Shape("shape:s.3", LAYER.id, key_between(None, None), RectGeom(0, 0, 1, 1))
MOVED = (1.0, 0.0, 0.0, 1.0, 5.0, 5.0)


def rec(seq, eid, ev):
    return Record(seq, eid, eid.split(":")[0], 0.0, f"g{seq}", None, ev)


def base_replica():
    r = Replica()
    r.receive([rec(1, "s:1", T.ArtboardCreated(AB)), rec(2, "s:2", T.LayerCreated(LAYER)),
               rec(3, "s:3", T.ObjectCreated(SHAPE))])
    return r


def test_replica_applies_server_records_in_order_and_ignores_repeats():
    r = base_replica()
    assert r.seq == 3 and SHAPE.id in r.view.objects
    assert r.receive([rec(2, "s:2", T.LayerCreated(LAYER))]) == 0
    with pytest.raises(ValueError):
        r.receive([rec(5, "x:1", T.ObjectDeleted(SHAPE))])


def test_pending_edit_is_rebased_over_incoming_and_cleared_when_confirmed():
    r = base_replica()
    mine = Batch("me.g1", None, ["me:1"], [T.ObjectTransformed(SHAPE.id, SHAPE.transform, MOVED)])
    r.local(mine)
    r.receive([rec(4, "o:1", T.ObjectRenamed(SHAPE.id, "", "theirs"))])
    o = r.view.objects[SHAPE.id]
    assert o.transform == MOVED and o.name == "theirs"  # both survive
    r.receive([rec(5, "me:1", mine.events[0])])
    assert not r.pending and r.view == r.confirmed


def test_pending_edit_to_a_deleted_object_is_hidden_then_dropped_on_reject():
    r = base_replica()
    mine = Batch("me.g1", None, ["me:1"], [T.ObjectTransformed(SHAPE.id, SHAPE.transform, MOVED)])
    r.local(mine)
    r.receive([rec(4, "o:1", T.ObjectDeleted(SHAPE))])
    assert mine.hidden and SHAPE.id not in r.view.objects
    dropped = r.reject(["me:1"], "shape:s.3 does not exist")
    assert dropped.group == "me.g1" and not r.pending


def test_same_property_resolves_to_the_later_server_record_on_every_replica():
    a, b = base_replica(), base_replica()
    ea = T.ObjectTransformed(SHAPE.id, SHAPE.transform, MOVED)
    eb = T.ObjectTransformed(SHAPE.id, SHAPE.transform, (1.0, 0.0, 0.0, 1.0, 9.0, 9.0))
    a.local(Batch("a.g", None, ["a:1"], [ea]))
    b.local(Batch("b.g", None, ["b:1"], [eb]))
    log = [rec(4, "b:1", eb), rec(5, "a:1", ea)]
    for r in (a, b):
        r.receive(log)
    assert a.view == b.view and a.view.objects[SHAPE.id].transform == MOVED


def test_backoff_grows_exponentially_with_jitter_and_caps():
    b = Backoff(0.1, 2.0, random.Random(1))
    ds = [b.next() for _ in range(8)]
    for n, d in enumerate(ds):
        full = min(2.0, 0.1 * 2 ** n)
        assert 0.5 * full <= d < full
    assert len({round(d, 6) for d in ds}) == len(ds)
    b.reset()
    assert b.next() < 0.1


def test_token_bucket_allows_bursts_then_the_rate():
    now = [0.0]
    tb = TokenBucket(10, 5, clock=lambda: now[0])
    assert all(tb.take() for _ in range(5)) and not tb.take()
    now[0] += 0.1
    assert tb.take() and not tb.take()


@pytest.mark.parametrize("msg, code", [
    ({"type": "submit", "group": "g", "events": []}, P.CLOSE_BAD_MESSAGE),
    ({"type": "submit", "group": "", "events": [{"eid": "c:1", "kind": "K", "v": 1, "data": {}}]}, P.CLOSE_BAD_MESSAGE),
    ({"type": "submit", "group": "g", "events": [{"eid": "c:x", "kind": "K", "v": 1, "data": {}}]}, P.CLOSE_BAD_MESSAGE),
    ({"type": "submit", "group": "g", "events": [{"eid": "c:1", "kind": "K", "v": "1", "data": {}}]}, P.CLOSE_BAD_MESSAGE),
    ({"type": "submit", "group": "g", "events": [{"eid": "other:1", "kind": "K", "v": 1, "data": {}}]}, P.CLOSE_PROTOCOL),
])
def test_submit_shape_checks(msg, code):
    with pytest.raises(P.ProtocolError) as exc:
        P.parse_submit(msg, "c", 10)
    assert exc.value.code == code


def test_tokens_lifetime_role_and_type_are_enforced():
    auth = TokenAuthority("k" * 40)
    with pytest.raises(ValueError):
        auth.mint("u", "d", "editor", ttl=3600)
    with pytest.raises(ValueError):
        auth.mint("u", "d", "admin")
    refresh = auth.mint("u", "d", "viewer", ttl=3600, typ="refresh")
    with pytest.raises(AuthError, match="access"):
        auth.verify(refresh)
    assert auth.verify(auth.refresh(refresh)).role == "viewer"
    with pytest.raises(ValueError):
        TokenAuthority("short")
    assert "k" * 40 not in repr(auth)
