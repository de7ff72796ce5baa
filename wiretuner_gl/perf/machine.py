"""What a capture was measured on, so captures can be compared across runs and machines."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time

PACKAGES = ("wiretuner-gl", "numpy", "numba", "llvmlite", "moderngl", "glcontext", "glfw", "imgui-bundle", "Pillow")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(name: str) -> str | None:
    if name == "wiretuner-gl":
        from .. import __version__

        return __version__
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe(gl_info: dict | None = None, command: list[str] | None = None) -> dict:
    try:
        import psutil

        mem = psutil.virtual_memory().total
    except Exception:  # noqa: BLE001 - informative only
        mem = None
    gl = gl_info or {}
    return {
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": list(command if command is not None else sys.argv),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": mem,
        "gl_renderer": gl.get("GL_RENDERER"),
        "gl_vendor": gl.get("GL_VENDOR"),
        "gl_version": gl.get("GL_VERSION"),
        "display": os.environ.get("DISPLAY"),
        "numba_disable_jit": os.environ.get("NUMBA_DISABLE_JIT", "0"),
        "versions": {p: _version(p) for p in PACKAGES},
    }
