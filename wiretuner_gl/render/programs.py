"""GLSL programs from shaders/ (next to the package, or in a PyInstaller bundle)."""

from __future__ import annotations

import sys
from pathlib import Path

import moderngl

_cache: dict[tuple[int, str], moderngl.Program] = {}


def shader_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "shaders"
    return Path(__file__).resolve().parents[2] / "shaders"


def program(ctx: moderngl.Context, name: str) -> moderngl.Program:
    """The program `name` ({name}.vert + {name}.frag), compiled once per context."""
    key = (id(ctx), name)
    prog = _cache.get(key)
    if prog is None or prog.ctx is not ctx:
        d = shader_dir()
        prog = ctx.program(
            vertex_shader=(d / f"{name}.vert").read_text(encoding="utf-8"),
            fragment_shader=(d / f"{name}.frag").read_text(encoding="utf-8"),
        )
        _cache[key] = prog
    return prog
