"""Binary snapshot encoding: one chunk per node, content-addressed, plus the canonical state hash.

(The incremental encoder used when writing snapshots is in node_encoder.py.)

A chunk is `<II` (meta length, float bytes), a compact JSON list of the node's non-anchor
fields, then its anchors as float64 rows (x, y, in_x, in_y, out_x, out_y). Decoding a whole
snapshot parses every chunk's JSON in one `json.loads` and every anchor float in one
`np.frombuffer(...).tolist()`: gzip-JSON of the same document is several times slower.
Floats go through JSON's repr or raw float64, so values (and the hash) are exact.

Nodes are immutable and persistent maps share the unchanged ones, so `NodeEncoder`
(node_encoder.py) caches each node's chunk, chunk hash and canonical JSON fragment by identity: a
snapshot after 500 edits re-encodes only the nodes those edits replaced, and the state hash
(SHA-256 of the canonical JSON, `Document.state_hash()`) is assembled from cached fragments.
"""

from __future__ import annotations

import gc
from itertools import chain, compress, islice, repeat
from operator import getitem, is_not
import hashlib
import json
from json.encoder import encode_basestring as _encode_basestring
import struct

import immutables
import numpy as np
import orjson

from ..errors import DocumentJsonError
from ..events import geocols as G
from ..model.codec import decoder_for, encode
from ..model.document import Document, canonical_json
from ..model.nodes import Anchor, Artboard, Group, Layer, Path, Shape
from ..model.packed import KIND_LETTERS, LETTER_OF_KIND, PackedSubpath, fill_slots, slot_setters
from ..model.values import Color, Style

_HDR = struct.Struct("<II")
_KIND_CHAR = LETTER_OF_KIND
_KIND_LETTERS = set(KIND_LETTERS)


class SnapshotInvalid(Exception):
    """A snapshot payload that does not decode (damaged, or from an unknown codec)."""


def _dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _style_text(style: Style) -> str:
    return canonical_json(encode(style))


_PACK6 = struct.Struct("<6d").pack


def _anchor_entry(a: Anchor) -> tuple:
    """(anchor, packed float64 row, canonical JSON fragment) of one anchor.

    The fragment is formatted here rather than through json.dumps because a snapshot of a large
    document formats hundreds of thousands of anchors: sorted keys written out, floats through
    float.__repr__ exactly as json.dumps writes them, strings through json.dumps. Tests compare it
    with canonical_json(encode(anchor)) on random values.
    """
    x, y, ix, iy, ox, oy = float(a.x), float(a.y), float(a.in_x), float(a.in_y), float(a.out_x), float(a.out_y)
    frag = (f'{{"in_x":{ix!r},"in_y":{iy!r},"key":{_jstr(a.key)},"kind":{_jstr(a.kind)},'
            f'"out_x":{ox!r},"out_y":{oy!r},"x":{x!r},"y":{y!r}}}').encode("utf-8")
    return a, _PACK6(x, y, ix, iy, ox, oy), frag


def _jstr(s: str) -> str:
    """json.dumps(s, ensure_ascii=False): for a str, json.dumps returns exactly this C helper's result."""
    if type(s) is not str:
        return json.dumps(s, ensure_ascii=False)
    return _encode_basestring(s)


def _anchor_row(a: Anchor, anchors: dict) -> tuple:
    e = anchors.get(id(a))
    if e is None or e[0] is not a:
        e = anchors[id(a)] = _anchor_entry(a)
    return e


def _subpaths_part(subpaths, anchors: dict, prev: tuple | None = None) -> tuple:
    """(subpaths, JSON tail of the path's chunk meta, packed anchor floats, canonical subpaths JSON,
    per-subpath (rows, fragments) lists).

    Cached by the identity of the subpaths tuple: a move or restyle of a path keeps its subpaths,
    so re-encoding the path then formats only its few other fields. `prev` (the entry of the
    path's previous subpaths): where only some anchors were replaced (a drag), only those are
    formatted and the rest spliced from it."""
    if prev is not None:
        spliced = _splice_subpaths(subpaths, anchors, prev)
        if spliced is not None:
            return spliced
    counts, closed, keys, kinds, per = [], [], [], [], []
    for sp in subpaths:
        counts.append(len(sp.anchors))
        closed.append(sp.closed)
        rows, parts = [], []
        for a in sp.anchors:
            keys.append(a.key)
            kinds.append(_KIND_CHAR[a.kind])
            e = _anchor_row(a, anchors)
            rows.append(e[1])
            parts.append(e[2])
        per.append((rows, parts))
    tail = _dumps([counts, closed, keys, "".join(kinds)])[1:-1]
    return _assemble(subpaths, tail, per)


def _assemble(subpaths, tail: bytes, per: list) -> tuple:
    floats = b"".join(chain.from_iterable(rows for rows, _ in per))
    subs = [b'{"anchors":[' + b",".join(parts) + (b'],"closed":true}' if sp.closed else b'],"closed":false}')
            for sp, (_, parts) in zip(subpaths, per)]
    return subpaths, tail, floats, b'"subpaths":[' + b",".join(subs) + b"]", per


def _splice_subpaths(subpaths, anchors: dict, prev: tuple) -> tuple | None:
    """_subpaths_part from the previous version's entry when the subpaths differ from it only in
    anchors replaced in place (same count, keys, kinds and closedness); None otherwise."""
    old, tail, _, _, per = prev
    if len(subpaths) != len(old):
        return None
    out = []
    for sp, osp, (rows, parts) in zip(subpaths, old, per):
        if sp is not osp:
            if sp.closed != osp.closed:
                return None
            na, oa = sp.anchors, osp.anchors
            if len(na) != len(oa):
                return None
            changed = list(compress(range(len(na)), map(is_not, na, oa)))
            if changed:
                rows, parts = rows[:], parts[:]
                for j in changed:
                    a, b = na[j], oa[j]
                    if a.key != b.key or a.kind != b.kind:
                        return None
                    e = _anchor_row(a, anchors)
                    rows[j], parts[j] = e[1], e[2]
        out.append((rows, parts))
    return _assemble(subpaths, tail, out)


def _cached_subpaths(node: Path, anchors: dict, subs: dict, prev_subpaths=None) -> tuple:
    e = subs.get(id(node.subpaths))
    if e is None or e[0] is not node.subpaths:
        prev = subs.get(id(prev_subpaths)) if prev_subpaths is not None else None
        if prev is not None and prev[0] is not prev_subpaths:
            prev = None
        e = subs[id(node.subpaths)] = _subpaths_part(node.subpaths, anchors, prev)
    return e


def encode_node(node, anchors: dict | None = None, subs: dict | None = None) -> bytes:
    """The chunk for one node (`anchors`, `subs`: caches reused across snapshots, see NodeEncoder)."""
    floats = b""
    if isinstance(node, Path) and subs is not None:
        _, tail, floats, _, _ = _cached_subpaths(node, anchors, subs)
        head = _dumps(["p", node.id, node.parent, node.order, node.name, node.fill_rule, _style_text(node.style),
                       [float(v) for v in node.transform], node.visible, node.locked])
        m = head[:-1] + b"," + tail + b"]"  # JSON lists compose: the same bytes as one dump of the whole list
        return _HDR.pack(len(m), len(floats)) + m + floats
    if isinstance(node, Path):
        counts, closed, keys, kinds, rows = [], [], [], [], []
        for sp in node.subpaths:
            counts.append(len(sp.anchors))
            closed.append(sp.closed)
            for a in sp.anchors:
                keys.append(a.key)
                kinds.append(_KIND_CHAR[a.kind])
                if anchors is None:
                    rows.append(_PACK6(a.x, a.y, a.in_x, a.in_y, a.out_x, a.out_y))
                else:
                    e = anchors.get(id(a))
                    if e is None or e[0] is not a:
                        e = anchors[id(a)] = _anchor_entry(a)
                    rows.append(e[1])
        floats = b"".join(rows)
        meta = ["p", node.id, node.parent, node.order, node.name, node.fill_rule, _style_text(node.style),
                [float(v) for v in node.transform], node.visible, node.locked, counts, closed, keys, "".join(kinds)]
    elif isinstance(node, Shape):
        meta = ["s", node.id, node.parent, node.order, G.geom_values(node.geom), node.name, _style_text(node.style),
                [float(v) for v in node.transform], node.visible, node.locked]
    elif isinstance(node, Group):
        meta = ["g", node.id, node.parent, node.order, node.name, [float(v) for v in node.transform],
                float(node.opacity), node.visible, node.locked]
    elif isinstance(node, Layer):
        meta = ["l", node.id, node.artboard, node.name, node.order, node.visible, node.locked]
    elif isinstance(node, Artboard):
        bg = node.background
        meta = ["a", node.id, node.name, float(node.x), float(node.y), float(node.width), float(node.height), node.order,
                None if bg is None else [float(bg.r), float(bg.g), float(bg.b), float(bg.a)]]
    else:
        raise TypeError(f"cannot snapshot {type(node).__name__}")
    m = _dumps(meta)
    return _HDR.pack(len(m), len(floats)) + m + floats


# Nodes are built without __init__, slots filled column-wise (model/packed.py: fill_slots), and
# path anchors stay packed until first used (PackedSubpath): opening a large document is then
# mostly SQLite, hashing and one json.loads. The values are the same (the tests compare decoded
# documents with the originals).
_SETTERS = {cls: slot_setters(cls) for cls in (Path, Shape)}


def _bulk(cls, n: int, columns) -> list:
    return fill_slots(cls, n, _SETTERS[cls], columns)


_GEOM_SETTERS = {cls: slot_setters(cls, G.GEOM_FIELDS[cls]) for cls in G.GEOM_CLASSES}


def _geoms(rows: list) -> list:
    """Geometries for geometry slot rows [code, p0, p1, ...] (as G.geom_from_values), built per
    class column-wise."""
    out: list = [None] * len(rows)
    by_code: dict = {}
    for i, r in enumerate(rows):
        by_code.setdefault(r[0], []).append(i)
    for code, idx in by_code.items():
        if type(code) is not float or not code.is_integer() or not 1 <= code <= len(G.GEOM_CLASSES):
            raise SnapshotInvalid(f"unknown geometry code {code!r}")
        cls = G.GEOM_CLASSES[int(code) - 1]
        fields = G.GEOM_FIELDS[cls]
        cols = _columns([rows[i] for i in idx], len(fields) + 1)[1:]
        cols = [list(map(int, c)) if f in G.GEOM_INT_FIELDS else c for f, c in zip(fields, cols)]
        for i, g in zip(idx, fill_slots(cls, len(idx), _GEOM_SETTERS[cls], cols)):
            out[i] = g
    return out


def _columns(rows: list, width: int) -> list:
    """rows (lists of `width` values) transposed into columns; a row of another width is damage."""
    if rows and set(map(len, rows)) != {width}:
        raise SnapshotInvalid("node record has the wrong number of fields")
    return list(zip(*rows))


class _Styles:
    """Canonical style text -> Style, decoded once (documents reuse a handful of styles)."""

    def __init__(self):
        self.cache: dict[str, Style] = {}
        self.dec = decoder_for(Style)

    def get(self, text: str) -> Style:
        s = self.cache.get(text)
        if s is None:
            if len(self.cache) > 50_000:
                self.cache.clear()
            s = self.cache[text] = self.dec(json.loads(text), "$.style")
        return s

    def many(self, texts) -> list[Style]:
        """Styles for many texts: each distinct text looked up once, the rest mapped in C."""
        found = {t: self.get(t) for t in dict.fromkeys(texts)}
        return list(map(found.__getitem__, texts))


_STYLES = _Styles()


def decode_nodes(chunks: list[bytes]) -> list:
    """Nodes for chunks (in order). Raises SnapshotInvalid if any chunk is malformed."""
    # Hundreds of thousands of small allocations, none of them cyclic garbage: pausing the cyclic
    # collector meanwhile saves about a third of the time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _decode_nodes(chunks)
    finally:
        if enabled:
            gc.enable()


def _decode_nodes(chunks: list[bytes]) -> list:
    try:
        heads = np.array(list(map(_HDR.unpack_from, chunks)), dtype=np.int64).reshape(-1, 2)
        ends = 8 + heads[:, 0]
        if (np.fromiter(map(len, chunks), np.int64, len(chunks)) != ends + heads[:, 1]).any() or (heads[:, 1] % 48).any():
            raise SnapshotInvalid("chunk length does not match its header")
        ends = ends.tolist()
        views = list(map(memoryview, chunks))  # slices of views copy nothing; the joins below copy once
        metas = list(map(getitem, views, map(slice, repeat(8), ends)))
        float_parts = list(map(getitem, views, map(slice, ends, repeat(None))))
        # orjson: the same values as json.loads (tests compare decoded documents), ~2x quicker on the
        # few MB of node records a large snapshot holds
        data = orjson.loads(b"[" + b",".join(metas) + b"]")
        arr = np.frombuffer(b"".join(float_parts), "<f8")
        if not np.isfinite(arr).all():
            raise SnapshotInvalid("non-finite coordinate")
        floats = arr.astype(np.float64, copy=False)  # native order (a copy only on big-endian machines)
        out: list = [None] * len(data)
        styles = _STYLES.many
        # Paths and shapes (nearly all nodes) are decoded column-wise: zip(*rows) transposes the
        # metas in C, and the per-field work is then one map() per column rather than Python per node.
        path_at = [i for i, m in enumerate(data) if m[0] == "p"]
        shape_at = [i for i, m in enumerate(data) if m[0] == "s"]
        for i, m in enumerate(data):
            t = m[0]
            if t in ("p", "s"):
                continue
            if t == "g":
                _, id_, parent, order, name, tf, opacity, vis, lock = m
                out[i] = Group(id_, parent, order, name, tuple(tf), opacity, vis, lock)
            elif t == "l":
                out[i] = Layer(*m[1:])
            elif t == "a":
                _, id_, name, x, y, w, h, order, bg = m
                out[i] = Artboard(id_, name, x, y, w, h, order, None if bg is None else Color(*bg))
            else:
                raise SnapshotInvalid(f"unknown node tag {t!r}")
        if path_at:
            cols = _columns([data[i] for i in path_at], 14)
            _, ids, parents, orders, names, rules, stys, tfs, vis, locks, counts, closed, keys, kinds = cols
            n_keys = list(map(len, keys))
            if (n_keys != list(map(sum, counts)) or n_keys != list(map(len, kinds))
                    or list(map(len, counts)) != list(map(len, closed))):
                raise SnapshotInvalid("anchor count mismatch")
            sub_counts = list(chain.from_iterable(counts))
            if not all(type(c) is int and c >= 0 for c in sub_counts):
                raise SnapshotInvalid("anchor count mismatch")
            keys_all = list(chain.from_iterable(keys))
            if 6 * len(keys_all) != arr.shape[0]:
                raise SnapshotInvalid("anchor floats do not match the anchor keys")
            kinds_all = "".join(kinds)
            if not set(kinds_all) <= _KIND_LETTERS:
                raise SnapshotInvalid("unknown anchor kind")
            it = iter(PackedSubpath.bulk(list(chain.from_iterable(closed)), sub_counts, keys_all, kinds_all, floats))
            subs = [tuple(islice(it, n)) for n in map(len, counts)]
            nodes = _bulk(Path, len(path_at), (ids, parents, orders, subs, names, rules, styles(stys), map(tuple, tfs),
                                               vis, locks))
            for i, node in zip(path_at, nodes):
                out[i] = node
        elif arr.shape[0]:
            raise SnapshotInvalid("anchor floats left over")
        if shape_at:
            _, ids, parents, orders, geoms, names, stys, tfs, vis, locks = _columns([data[i] for i in shape_at], 10)
            nodes = _bulk(Shape, len(shape_at), (ids, parents, orders, _geoms(geoms), names,
                                                 styles(stys), map(tuple, tfs), vis, locks))
            for i, node in zip(shape_at, nodes):
                out[i] = node
        return out
    except SnapshotInvalid:
        raise
    except (ValueError, TypeError, KeyError, IndexError, struct.error, DocumentJsonError) as exc:
        raise SnapshotInvalid(f"malformed chunk ({exc})") from None


def document_from_nodes(nodes: list, counts: tuple[int, int, int]) -> Document:
    na, nl, no = counts
    if len(nodes) != na + nl + no:
        raise SnapshotInvalid("node count does not match the manifest")
    ab, ly, ob = nodes[:na], nodes[na : na + nl], nodes[na + nl :]
    if not (all(type(n) is Artboard for n in ab) and all(type(n) is Layer for n in ly)
            and all(type(n) in (Group, Path, Shape) for n in ob)):
        raise SnapshotInvalid("node kinds do not match the manifest's sections")
    return Document(immutables.Map({n.id: n for n in ab}), immutables.Map({n.id: n for n in ly}),
                    immutables.Map({n.id: n for n in ob}))


def fragment(node) -> bytes:
    """The node's canonical JSON, as it appears inside the document's canonical JSON."""
    return canonical_json(encode(node)).encode("utf-8")


def hash_fragments(artboards: list[bytes], layers: list[bytes], objects: list[bytes]) -> str:
    """Document.state_hash() from per-node fragments in id order (canonical JSON composes).

    Fed in joined blocks of 256 fragments: joining all ~15 MB first (a fresh allocation, page
    faults, a copy) cost as much again as the hashing, and one update per fragment costs ~0.3 us
    of call overhead each; blocks of a few hundred KB measured quickest."""
    h = hashlib.sha256(b'{"artboards":[')
    up, join = h.update, b",".join
    for head, frags in ((None, artboards), (b'],"layers":[', layers), (b'],"objects":[', objects)):
        if head is not None:
            up(head)
        for i in range(0, len(frags), 256):
            if i:
                up(b",")
            up(join(frags[i : i + 256]))
    up(b"]}")
    return h.hexdigest()


def chunk_hash(chunk: bytes) -> bytes:
    return hashlib.sha256(chunk).digest()[:16]
