"""The codec's fast decoding path accepts exactly what the path-building decoder accepts, with equal values."""

from __future__ import annotations

import copy
import math
import random

import pytest
from hypothesis import given, strategies as st

from tests.history._gen import random_events
from wiretuner_gl.errors import DocumentJsonError
from wiretuner_gl.events.types import EVENT_TYPES
from wiretuner_gl.model import codec

MUTANTS = [None, True, 0, 1, -1, 2.5, 3.0, math.nan, math.inf, "x", "corner", [], [1.0, 2.0], {}, {"type": "rect"}, 10**400]


def _mutate(data, r: random.Random):
    """Change one value somewhere in the JSON data (or add/remove a key)."""
    data = copy.deepcopy(data)
    node = data
    for _ in range(r.randint(0, 6)):
        kids = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        kids = [(k, v) for k, v in kids if isinstance(v, (dict, list)) and v]
        if not kids:
            break
        node = r.choice(kids)[1]
    if isinstance(node, dict):
        c = r.random()
        if c < 0.15:
            node["unexpected"] = 1
        elif c < 0.3 and node:
            del node[r.choice(list(node))]
        elif node:
            node[r.choice(list(node))] = r.choice(MUTANTS)
    elif isinstance(node, list) and node:
        if r.random() < 0.2:
            node.pop()
        else:
            node[r.randrange(len(node))] = r.choice(MUTANTS)
    return data


def _outcome(dec, data):
    try:
        v = dec(data, "$")
    except DocumentJsonError as exc:
        return ("error", str(exc))
    return ("ok", repr(v), codec.encode(v))


@pytest.fixture
def slow_decoder(monkeypatch):
    """Decoders built with the fast path switched off (the reference behaviour)."""
    def never(tp):
        def f(v):
            raise codec._Invalid
        return f

    def make(cls):
        with monkeypatch.context() as m:
            m.setattr(codec, "_fast_for", never)
            m.setattr(codec, "_dec_cache", {})
            d = codec.decoder_for(cls)
            # resolve nested decoders while the fast path is off
            return d

    return make


@given(seed=st.integers(0, 2**32 - 1))
def test_fast_and_slow_decoding_agree_on_valid_and_mutated_events(slow_decoder, seed):
    r = random.Random(seed)
    for e in random_events(seed, 8)[-12:]:
        cls = EVENT_TYPES[e.KIND]
        data = codec.encode(e)
        slow = slow_decoder(cls)
        fast = codec.decoder_for(cls)
        assert _outcome(fast, data) == _outcome(slow, data)
        for _ in range(6):
            bad = _mutate(data, r)
            with pytest.MonkeyPatch.context() as m:
                m.setattr(codec, "_fast_for", lambda tp: (lambda v: (_ for _ in ()).throw(codec._Invalid())))
                m.setattr(codec, "_dec_cache", {})
                ref = _outcome(codec.decoder_for(cls), bad)
            assert _outcome(fast, bad) == ref, bad
