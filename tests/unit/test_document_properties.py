"""Property tests over random edit sequences: replay, undo/redo, JSON and reopen keep the state hash."""

import random

from hypothesis import given, strategies as st

from tests.edits import random_edit
from wiretuner_gl.events.build import creation_events
from wiretuner_gl.events.reducer import reduce_all
from wiretuner_gl.io.json_io import document_from_data, document_to_json
from wiretuner_gl.model import Document
from wiretuner_gl.store import DocumentSession, EventStore, load

import json

seeds = st.integers(min_value=0, max_value=2**32 - 1)
lengths = st.integers(min_value=1, max_value=40)


def _session(tmp_path, seed, n):
    s = DocumentSession.create(tmp_path / f"p{seed}-{n}.wiretuner")
    r = random.Random(seed)
    for _ in range(n):
        random_edit(s, r)
    return s


@given(seed=seeds, n=lengths)
def test_replaying_the_log_equals_the_live_state(tmp_path_factory, seed, n):
    s = _session(tmp_path_factory.mktemp("replay"), seed, n)
    with s:
        replayed = reduce_all(Document(), [r.event for r in s.store.records()])
        assert replayed.state_hash() == s.doc.state_hash()
        assert replayed == s.doc


@given(seed=seeds, n=lengths)
def test_n_undos_then_n_redos_restore_the_same_hash(tmp_path_factory, seed, n):
    s = _session(tmp_path_factory.mktemp("undo"), seed, n)
    with s:
        before = s.doc.state_hash()
        undone = 0
        while s.history.can_undo:
            res = s.undo()
            assert not res.skipped, res.skipped  # single actor: nothing can vanish under us
            undone += res.group is not None
        assert not s.doc.objects  # everything undone; the new document's artboard stays (not undoable)
        assert len(s.doc.artboards) >= 1
        for _ in range(undone):
            assert s.redo().group is not None
        assert s.doc.state_hash() == before


@given(seed=seeds, n=lengths)
def test_json_export_then_import_keeps_the_hash(tmp_path_factory, seed, n):
    s = _session(tmp_path_factory.mktemp("json"), seed, n)
    with s:
        text = document_to_json(s.doc)
        again = document_from_data(json.loads(text))
        assert again.state_hash() == s.doc.state_hash()
        assert reduce_all(Document(), creation_events(again)).state_hash() == s.doc.state_hash()


@given(seed=seeds, n=lengths)
def test_reopening_the_file_keeps_the_hash(tmp_path_factory, seed, n):
    tmp = tmp_path_factory.mktemp("reopen")
    s = _session(tmp, seed, n)
    h = s.doc.state_hash()
    path = s.store.path
    s.close()
    with DocumentSession.open(path) as again:
        assert again.doc.state_hash() == h
    with EventStore.open(path, read_only=True) as store:
        assert load(store).doc.state_hash() == h
