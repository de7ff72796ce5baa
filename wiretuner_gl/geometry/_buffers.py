"""Growable output arrays for kernels (numba has no list of arrays that is fast to append to)."""

import numpy as np
from numba import njit


@njit(cache=True)
def grow2(a, need):
    """`a` (n, 2) with room for at least `need` rows, doubling."""
    if need <= a.shape[0]:
        return a
    n = max(need, 2 * a.shape[0])
    b = np.empty((n, 2), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(cache=True)
def grow1(a, need):
    if need <= a.shape[0]:
        return a
    n = max(need, 2 * a.shape[0])
    b = np.empty(n, dtype=a.dtype)
    b[: a.shape[0]] = a
    return b
