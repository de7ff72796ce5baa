"""Subpaths decoded from a snapshot, whose Anchor objects are built on first access.

A large document holds ~100K anchors; building each as a Python object (8 slots) is most of the
cost of opening it, yet drawing and hit testing read only their coordinates. A PackedSubpath
keeps the decoded columns (shared by every subpath of the snapshot: keys, kind letters, float64
coordinates as x, y, in_x, in_y, out_x, out_y per anchor) and an offset; `anchors` materializes
the tuple once, when an edit, an encoder or a tool first asks for it. `packed_floats()` gives
the geometry code the coordinates without materializing.

It is a Subpath in every other respect: equal (and hashing equal) to the plain Subpath with the
same anchors, frozen, and `dataclasses.replace` on it gives an ordinary value. The float buffer
is anything sliceable with `.tolist()` (the store passes a native-endian float64 numpy array),
so the model itself stays free of numpy.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import fields
from itertools import repeat

from .nodes import Anchor, Subpath

KIND_LETTERS = {"c": "corner", "s": "smooth", "y": "symmetric"}
LETTER_OF_KIND = {v: k for k, v in KIND_LETTERS.items()}

_new = object.__new__
_ANCHORS_SLOT = Subpath.__dict__["anchors"]  # the base class's slot, set once materialized


def slot_setters(cls: type, names: tuple[str, ...] | None = None) -> list:
    """The slot descriptors' setters of a slotted class, for fill_slots (field order by default)."""
    names = names or tuple(f.name for f in fields(cls))
    return [next(k.__dict__[n] for k in cls.__mro__ if n in k.__dict__).__set__ for n in names]


def fill_slots(cls: type, n: int, setters: list, columns) -> list:
    """n new instances of the slotted class cls, slot i set from columns[i], without __init__.

    Building frozen dataclasses through __init__ costs ~0.1 us per field in Python
    (object.__setattr__); mapping each slot's descriptor over a whole column runs the loop in C,
    ~3x quicker, which matters for the hundreds of thousands of values a snapshot holds. Only
    for classes without __post_init__ checks, from columns of exactly n values.
    """
    objs = list(map(_new, repeat(cls, n)))
    for setter, col in zip(setters, columns):
        deque(map(setter, objs, col), maxlen=0)
    return objs


_ANCHOR_SETTERS = slot_setters(Anchor)


def build_anchors(keys, kinds: str, flat: list) -> list:
    """Anchors from keys, kind letters and a flat float list (6 values per anchor)."""
    return fill_slots(Anchor, len(keys), _ANCHOR_SETTERS,
                      (keys, flat[0::6], flat[1::6], flat[2::6], flat[3::6], flat[4::6], flat[5::6],
                       map(KIND_LETTERS.__getitem__, kinds)))


class PackedSubpath(Subpath):
    __slots__ = ("_keys", "_kinds", "_floats", "_start", "_n")

    @property
    def anchors(self) -> tuple[Anchor, ...]:
        try:
            return _ANCHORS_SLOT.__get__(self, Subpath)
        except AttributeError:
            pass
        s, n = self._start, self._n
        a = tuple(build_anchors(self._keys[s : s + n], self._kinds[s : s + n], self._floats[6 * s : 6 * (s + n)].tolist()))
        _ANCHORS_SLOT.__set__(self, a)  # (two threads racing here build equal tuples)
        return a

    @anchors.setter
    def anchors(self, value) -> None:  # for the dataclass __init__ (dataclasses.replace); still frozen
        _ANCHORS_SLOT.__set__(self, value)

    def packed_floats(self):
        """This subpath's coordinates, 6 per anchor, as a slice of the shared buffer (no Anchors
        built); None for one made through __init__ (dataclasses.replace), whose anchors are the truth."""
        try:
            f = self._floats
        except AttributeError:
            return None
        return f[6 * self._start : 6 * (self._start + self._n)]

    def materialized(self) -> tuple[Anchor, ...] | None:
        """The Anchor tuple if it has been built, else None (without building it)."""
        try:
            return _ANCHORS_SLOT.__get__(self, Subpath)
        except AttributeError:
            return None

    def packed_nbytes(self) -> int:
        """This subpath's share of the shared columns: its floats, key strings, kind letters and
        the key list's pointers (for memory accounting; the columns are shared by all subpaths)."""
        try:
            s, n = self._start, self._n
        except AttributeError:
            return 0
        return 48 * n + n + 8 * n + sum(map(sys.getsizeof, self._keys[s : s + n]))

    def __eq__(self, other):
        if isinstance(other, Subpath):
            return self.closed == other.closed and self.anchors == other.anchors
        return NotImplemented

    __hash__ = Subpath.__hash__

    @classmethod
    def bulk(cls, closed, counts: list[int], keys: list[str], kinds: str, floats) -> list["PackedSubpath"]:
        """One PackedSubpath per count, over shared columns (len(keys) == len(kinds) == sum(counts),
        len(floats) == 6 * sum(counts))."""
        starts, pos = [], 0
        for c in counts:
            starts.append(pos)
            pos += c
        n = len(counts)
        return fill_slots(cls, n, _PACKED_SETTERS, (closed, repeat(keys, n), repeat(kinds, n), repeat(floats, n), starts, counts))


_PACKED_SETTERS = slot_setters(PackedSubpath, ("closed", "_keys", "_kinds", "_floats", "_start", "_n"))
