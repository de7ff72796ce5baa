"""One guard for every file the program reads on a user's behalf.

Canonical paths (symlinks resolved), no escape from an allowed root where one is set (an SVG's
`href`s resolve only inside its own folder), and a size ceiling checked before reading.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import FileAccessDenied

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class FileGuard:
    def __init__(self, root: str | os.PathLike | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root).resolve() if root is not None else None
        self.max_bytes = max_bytes

    def check(self, path: str | os.PathLike, *, base: str | os.PathLike | None = None) -> Path:
        """The canonical path, after the checks; relative paths resolve against base (or the root)."""
        p = Path(path)
        if not p.is_absolute():
            p = Path(base or self.root or os.getcwd()) / p
        real = p.resolve()
        if self.root is not None and real != self.root and self.root not in real.parents:
            raise FileAccessDenied(f"{path}: outside the allowed folder {self.root}")
        if not real.exists():
            raise FileNotFoundError(f"{path}: no such file")
        if not real.is_file():
            raise FileAccessDenied(f"{path}: not a regular file")
        size = real.stat().st_size
        if size > self.max_bytes:
            raise FileAccessDenied(f"{path}: {size} bytes is over the {self.max_bytes}-byte limit")
        return real

    def read_bytes(self, path: str | os.PathLike, *, base: str | os.PathLike | None = None) -> bytes:
        real = self.check(path, base=base)
        with open(real, "rb") as f:
            data = f.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:  # grew between check and read
            raise FileAccessDenied(f"{path}: over the {self.max_bytes}-byte limit")
        return data
