"""The incremental snapshot encoder: chunks, chunk hashes and canonical fragments of a document's
nodes, re-encoding only the nodes replaced since the previous call.

Nodes are immutable and persistent maps share the unchanged ones, so each section remembers the
map it last encoded and its entries in id order; the next call walks the new map once comparing
nodes by identity, encodes only the replaced ones and re-sorts only when ids came or went.

Formatting is written out here rather than going through `json.dumps(encode(node))` because a
snapshot re-encodes hundreds of nodes while the editor keeps editing: the generic path costs
~35 us a node, this ~8 us. The bytes are the same (tests compare chunks with `encode_node` and
fragments with `fragment`, i.e. canonical_json(encode(node)), on random documents).
"""

from __future__ import annotations

import time
from dataclasses import fields as dataclass_fields
from itertools import compress
from operator import attrgetter, is_not

from ..events import geocols as G
from ..model.codec import _hints, encoder_for
from ..model.document import Document, canonical_json
from ..model.nodes import Path, Shape
from .snapshot_codec import _HDR, _cached_subpaths, _jstr, _style_text, chunk_hash, encode_node, hash_fragments


def _jfloat(v) -> str:
    r = float.__repr__(float(v))
    if "n" in r:  # nan, inf: refused as json.dumps(allow_nan=False) refuses them
        raise ValueError(f"Out of range float values are not JSON compliant: {r}")
    return r


def _jfloats(v) -> str:
    r = ",".join(map(float.__repr__, map(float, v)))
    if "n" in r:
        raise ValueError(f"Out of range float values are not JSON compliant: {r}")
    return "[" + r + "]"


def _jbool(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    return _jstr(v)  # (not a bool: written as json.dumps would)


class _ByIdentity:
    """Texts of immutable values cached by identity (id() plus an `is` check, so a recycled id
    never returns another value's text)."""

    def __init__(self, make, limit: int = 100_000):
        self.make, self.limit = make, limit
        self.cache: dict[int, tuple] = {}

    def __call__(self, v) -> str:
        e = self.cache.get(id(v))
        if e is None or e[0] is not v:
            if len(self.cache) > self.limit:
                self.cache.clear()
            e = self.cache[id(v)] = (v, self.make(v))
        return e[1]


class _Values:
    """JSON texts of values, cached by identity: nested values (styles, geometries, backgrounds) as
    canonical JSON, transforms and geometry slot rows as float lists, styles as the JSON string of
    their canonical text (chunk metas). An edit replaces a node but keeps most of its values, and a
    node's chunk and fragment both write its transform."""

    def __init__(self):
        self._nested: dict = {}
        self.floats = _ByIdentity(_jfloats)
        self.geom_row = _ByIdentity(lambda g: _jfloats(G.geom_values(g)))
        self.style_json = _ByIdentity(lambda st: _jstr(_style_text(st)), 50_000)

    def nested(self, enc) -> _ByIdentity:
        """The cache for values encoded by `enc` (one encoder per declared type)."""
        c = self._nested.get(enc)
        if c is None:
            c = self._nested[enc] = _ByIdentity(lambda v: canonical_json(enc(v)))
        return c


def _field_writers(cls: type, values: _Values) -> tuple[list, object, list]:
    """(writers before, subpaths writer or None, writers after): one function per JSON member of
    cls's canonical form, in sorted-key order; a path's subpaths are written as bytes."""
    hints = _hints(cls)
    tag = getattr(cls, "TAG", None)
    names = [f.name for f in dataclass_fields(cls)]
    pre, post, sp = [], [], None
    for k in sorted(names + (["type"] if tag and "type" not in names else [])):
        prefix = f'"{k}":'
        hint = hints.get(k)
        out = pre if sp is None else post
        if k == "type" and k not in names:
            const = prefix + _jstr(tag)
            out.append(lambda n, c=const: c)
            continue
        get = attrgetter(k)
        if k == "subpaths" and cls is Path:
            enc = encoder_for(hint)
            sp = (lambda n, part, g=get, e=enc: part if part is not None
                  else ('"subpaths":' + canonical_json(e(g(n)))).encode("utf-8"))
        elif hint is float:
            out.append(lambda n, g=get, p=prefix: p + _jfloat(g(n)))
        elif hint is str:
            out.append(lambda n, g=get, p=prefix: p + _jstr(g(n)))
        elif hint is bool:
            out.append(lambda n, g=get, p=prefix: p + _jbool(g(n)))
        elif k == "transform":
            out.append(lambda n, g=get, p=prefix: p + values.floats(g(n)))
        else:
            text = values.nested(encoder_for(hint))
            out.append(lambda n, g=get, p=prefix, t=text: p + t(g(n)))
    return pre, sp, post


# every field but the transform: equal values here mean a node differs from its previous version
# at most in its transform
_SAME = {cls: attrgetter(*[f.name for f in dataclass_fields(cls) if f.name != "transform"]) for cls in (Path, Shape)}


class _Table:
    """One section (artboards, layers or objects) as last encoded: entries in id order, and the
    same as columns (chunks, chunk hashes, fragments) kept in step, so a snapshot of 10K nodes
    does not walk 10K entry tuples to regather them (each walk cost 1-4 ms of cache misses)."""

    __slots__ = ("map", "by_key", "keys", "entries", "index", "chunks", "hashes", "frags", "nbytes", "dirty",
                 "walk_keys", "walk_nodes")

    def __init__(self):
        self.map = None
        self.by_key: dict[str, tuple] = {}
        self.keys: list[str] = []
        self.entries: list[tuple] = []
        self.index: dict[str, int] = {}
        self.chunks: list[bytes] = []
        self.hashes: list[bytes] = []
        self.frags: list[bytes] = []
        self.nbytes = 0  # total chunk bytes
        self.dirty: set[int] | None = set()  # positions changed since the last columns() (None: all)
        self.walk_keys: list[str] | None = None  # the last map's ids and nodes in its iteration order
        self.walk_nodes: list = []

    def rebuild(self) -> None:
        self.keys = sorted(self.by_key)
        self.entries = [self.by_key[k] for k in self.keys]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.chunks = [e[1] for e in self.entries]
        self.hashes = [e[2] for e in self.entries]
        self.frags = [e[3] for e in self.entries]
        self.nbytes = sum(map(len, self.chunks))
        self.dirty = None

    def put(self, i: int, e: tuple) -> None:
        self.nbytes += len(e[1]) - len(self.chunks[i])
        self.entries[i], self.chunks[i], self.hashes[i], self.frags[i] = e, e[1], e[2], e[3]
        if self.dirty is not None:
            self.dirty.add(i)


class NodeEncoder:
    """(node, chunk, chunk hash, canonical fragment) of every node, cached by node identity.

    `yield_every` (truthy): sleep(0) about every millisecond of work to hand the GIL to other
    threads, so a snapshot on a background thread holds the editor's main thread at most ~1 ms.
    """

    def __init__(self, yield_every: int = 0):
        self._tables = (_Table(), _Table(), _Table())
        self._anchors: dict[int, tuple] = {}
        self._subs: dict[int, tuple] = {}  # id(subpaths tuple) -> _subpaths_part
        self._values = _Values()
        self._writers: dict[type, list] = {}
        self._live_anchors = 0
        self.yield_every = yield_every
        self.changed = 0  # nodes (re-)encoded by the last call

    # ----------------------------------------------------------------- one node

    def fragment(self, node, subpaths_part: bytes | None = None) -> bytes:
        ws = self._writers.get(type(node))
        if ws is None:
            ws = self._writers[type(node)] = _field_writers(type(node), self._values)
        pre, sp, post = ws
        if sp is None:
            return ("{" + ",".join([w(node) for w in pre]) + "}").encode("utf-8")
        # a path's subpaths (most of its bytes) are joined in as bytes, not decoded and re-encoded
        return (("{" + ",".join([w(node) for w in pre]) + ",").encode("utf-8") + sp(node, subpaths_part)
                + ("," + ",".join([w(node) for w in post]) + "}").encode("utf-8"))

    def _encode(self, node, prev: tuple | None = None) -> tuple:
        """(node, chunk, chunk hash, fragment, pieces): `pieces` (paths and shapes) are the chunk
        meta and fragment split around the transform, so the next version of the node that only
        moved (the commonest edit: a transform) is spliced rather than formatted again."""
        t = type(node)
        vals = self._values
        if prev is not None and prev[4] is not None and type(prev[0]) is t and _SAME[t](node) == _SAME[t](prev[0]):
            m_pre, m_post, floats, f_pre, f_post = prev[4]
            tf = vals.floats(node.transform).encode("utf-8")
            m = m_pre + tf + m_post
            c = _HDR.pack(len(m), len(floats)) + m + floats
            return (node, c, chunk_hash(c), f_pre + tf + f_post, prev[4])
        # chunk metas written as json.dumps(list, separators=(",", ":"), ensure_ascii=False) would
        # write them (see encode_node), from the same field formatters as the fragments
        if t is Path:
            before = prev[0].subpaths if prev is not None and type(prev[0]) is Path else None
            _, tail, floats, part, _ = _cached_subpaths(node, self._anchors, self._subs, before)
            m_pre = ('["p",' + _jstr(node.id) + "," + _jstr(node.parent) + "," + _jstr(node.order) + "," + _jstr(node.name)
                     + "," + _jstr(node.fill_rule) + "," + vals.style_json(node.style) + ",").encode("utf-8")
            m_post = ("," + _jbool(node.visible) + "," + _jbool(node.locked) + ",").encode("utf-8") + tail + b"]"
            frag = self.fragment(node, part)
        elif t is Shape:
            floats = b""
            m_pre = ('["s",' + _jstr(node.id) + "," + _jstr(node.parent) + "," + _jstr(node.order) + ","
                     + vals.geom_row(node.geom) + "," + _jstr(node.name) + "," + vals.style_json(node.style) + ",").encode("utf-8")
            m_post = ("," + _jbool(node.visible) + "," + _jbool(node.locked) + "]").encode("utf-8")
            frag = self.fragment(node)
        else:
            c = encode_node(node)
            return (node, c, chunk_hash(c), self.fragment(node), None)
        tf = vals.floats(node.transform).encode("utf-8")
        m = m_pre + tf + m_post
        c = _HDR.pack(len(m), len(floats)) + m + floats
        # the node's own transform is the fragment's last "transform" member: a style's nested
        # ones (gradients) sort before it, and only "type" and "visible" come after
        i = frag.rfind(b'"transform":') + 12
        pieces = (m_pre, m_post, floats, frag[:i], frag[i + len(tf):]) if frag[i : i + len(tf)] == tf else None
        return (node, c, chunk_hash(c), frag, pieces)

    # ----------------------------------------------------------------- a document

    def entries(self, doc: Document, collect: bool = True) -> tuple[list[tuple], tuple[int, int, int]]:
        """(node, chunk, chunk hash, fragment, ...) for every node in canonical order, and section
        sizes. `collect=False`: bring the columns up to date only (the list comes back empty)."""
        ye = self.yield_every
        clock = time.perf_counter
        next_yield = clock() + 0.001
        out: list[tuple] = []
        sizes = []
        changed = 0
        for table, st in zip((doc.artboards, doc.layers, doc.objects), self._tables):
            if table is not st.map:
                by_key = st.by_key
                keys, nodes = list(table.keys()), list(table.values())
                if keys == st.walk_keys:
                    # the same ids in the same iteration order (the usual case: edits replace nodes,
                    # the map's shape stays): compare nodes by position, in C
                    fresh = list(compress(zip(keys, nodes), map(is_not, nodes, st.walk_nodes)))
                else:
                    fresh = []
                    for k, node in zip(keys, nodes):
                        e = by_key.get(k)
                        if e is None or e[0] is not node:
                            fresh.append((k, node))
                st.walk_keys, st.walk_nodes = keys, nodes
                added = False
                for k, node in fresh:
                    added |= k not in by_key
                    by_key[k] = self._encode(node, by_key.get(k))
                    if ye and clock() >= next_yield:  # about every millisecond of work
                        time.sleep(0)
                        next_yield = clock() + 0.001
                changed += len(fresh)
                if added or len(by_key) != len(table):
                    if len(by_key) != len(table):
                        for k in [k for k in by_key if k not in table]:
                            del by_key[k]
                    st.rebuild()
                else:
                    index = st.index
                    for k, _ in fresh:
                        st.put(index[k], by_key[k])
                st.map = table
            sizes.append(len(st.entries))
            if collect:
                out += st.entries
        self.changed = changed
        if len(self._anchors) > 2 * self._live_anchors + 4096:  # drop anchors no longer in the document
            self._prune([e for st in self._tables for e in st.entries])
        return out, tuple(sizes)

    def columns(self) -> tuple[list[bytes], list[bytes], list[bytes], int, list[int] | None]:
        """(fragments, chunk hashes, chunks, total chunk bytes, changed positions) of the document
        last given to entries(), in the same order; the positions are those changed since the
        previous columns() call (None: all of them)."""
        frags, hashes, chunks, dirty = [], [], [], []
        nbytes = 0
        for st in self._tables:
            if dirty is not None:
                dirty = None if st.dirty is None else dirty + [len(hashes) + i for i in st.dirty]
            st.dirty = set()
            frags += st.frags
            hashes += st.hashes
            chunks += st.chunks
            nbytes += st.nbytes
        return frags, hashes, chunks, nbytes, dirty

    def _prune(self, out: list[tuple]) -> None:
        anchors, subs = self._anchors, self._subs
        live = {id(a): anchors[id(a)] for e in out if type(e[0]) is Path for sp in e[0].subpaths for a in sp.anchors
                if id(a) in anchors and anchors[id(a)][0] is a}
        self._anchors = live
        self._live_anchors = len(live)
        self._subs = {id(e[0].subpaths): subs[id(e[0].subpaths)] for e in out
                      if type(e[0]) is Path and id(e[0].subpaths) in subs and subs[id(e[0].subpaths)][0] is e[0].subpaths}

    def state_hash(self, doc: Document) -> str:
        entries, (na, nl, _) = self.entries(doc)
        frags = [e[3] for e in entries]
        return hash_fragments(frags[:na], frags[na : na + nl], frags[na + nl :])
