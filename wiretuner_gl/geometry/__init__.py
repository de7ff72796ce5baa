"""Geometry: numba kernels over numpy arrays (flatten, tessellate, stroke, dash, bounds, hit
testing, nearest point, snapping) in function-only modules, with thin Python wrappers
(`outline`, `mesh`, `query`) that take model objects."""
