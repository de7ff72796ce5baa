"""Grid snapping kernels."""

import math

import numpy as np
from numba import njit


@njit(cache=True)
def snap_points(points, spacing, origin_x, origin_y):
    """Each point moved to the nearest grid intersection (half-way points round away from the origin)."""
    out = np.empty_like(points)
    for i in range(points.shape[0]):
        for k in range(2):
            o = origin_x if k == 0 else origin_y
            v = (points[i, k] - o) / spacing
            r = math.floor(abs(v) + 0.5)
            out[i, k] = o + math.copysign(r, v) * spacing
    return out
