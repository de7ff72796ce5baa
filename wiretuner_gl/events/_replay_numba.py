"""Replay kernels (functions only): scatter a batch of geometric events into slot columns.

`vals` rows are the log's `gval` columns: [kind code, v0..v8]; `slots[i]` is the row of `cols`
that event i writes (resolved by the driver, replay_columnar.py). Events carry absolute values,
so replay is an ordered scatter: the last write to a field wins, exactly as the reducer does.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def scatter_batch(slots, vals, cols, dirty, offsets, widths, groups, slot_group):
    """Apply rows in order; returns the index of the first row whose kind does not fit its slot, or -1.

    The kind code must be exactly an integer 1..5: bytes that are not a gval (e.g. 80 characters of
    text) have a non-zero low byte, hence a fractional code, and stop here at their own row."""
    n = slots.shape[0]
    nk = offsets.shape[0]
    for i in range(n):
        s = slots[i]
        code = vals[i, 0]
        if not (code >= 1.0 and code < nk):  # also NaN
            return i
        k = int(code)
        if k != code or groups[k] != slot_group[s]:
            return i
        off = offsets[k]
        for j in range(widths[k]):
            cols[s, off + j] = vals[i, 1 + j]
        dirty[s] = True
    return -1


@njit(cache=True)
def dirty_slots(dirty, n):
    """Indices of dirty slots among the first n, clearing the flags."""
    out = np.empty(n, np.int64)
    c = 0
    for s in range(n):
        if dirty[s]:
            out[c] = s
            c += 1
            dirty[s] = False
    return out[:c]
