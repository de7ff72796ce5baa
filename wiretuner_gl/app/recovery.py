"""The recovery folder: an untitled document lives here until it is saved somewhere else.

Each open document here has a lock file naming the process that edits it. After a crash
(kill -9, power loss) the lock names a dead process: the next start offers to reopen the
document, which holds everything up to the last completed operation (the log is durable).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import psutil

from ..store.file import EventStore

INITIAL_EVENTS = 2  # a new untitled document: its artboard and layer


def recovery_dir() -> Path:
    env = os.environ.get("WIRETUNER_RECOVERY_DIR")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "wiretuner" / "recovery"


class Recovery:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else recovery_dir()
        self.root.mkdir(parents=True, exist_ok=True)

    def new_path(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 0
        while True:
            p = self.root / f"untitled-{stamp}-{os.getpid()}{'-' + str(n) if n else ''}.wiretuner"
            if not p.exists():
                return p
            n += 1

    @staticmethod
    def _lock(doc: Path) -> Path:
        return doc.with_suffix(".lock")

    def claim(self, doc: Path) -> None:
        self._lock(doc).write_text(str(os.getpid()))

    def release(self, doc: Path) -> None:
        """A clean exit: drop the lock; an untitled document without any edit is deleted."""
        self._lock(doc).unlink(missing_ok=True)
        if doc.exists() and _events(doc) <= INITIAL_EVENTS:
            self.discard(doc)

    def discard(self, doc: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{doc}{suffix}").unlink(missing_ok=True)
        self._lock(doc).unlink(missing_ok=True)

    def crashed(self, doc: Path) -> bool:
        """True if the editor that had `doc` open died (its lock is still there)."""
        return self._lock(doc).exists()

    def orphans(self) -> list[Path]:
        """Documents here that no running editor holds and that contain work, newest first."""
        out = []
        for doc in self.root.glob("*.wiretuner"):
            lock = self._lock(doc)
            if lock.exists():
                try:
                    pid = int(lock.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and pid != os.getpid() and psutil.pid_exists(pid) and _is_editor(pid):
                    continue  # another editor has it open
            if _events(doc) > INITIAL_EVENTS:
                out.append(doc)
        return sorted(out, key=lambda p: p.stat().st_mtime, reverse=True)


def _events(doc: Path) -> int:
    try:
        with EventStore.open(doc, read_only=True) as s:
            return s.count()
    except Exception:  # a damaged file still counts as work to offer (it opens read-only/recovered)
        return INITIAL_EVENTS + 1


def _is_editor(pid: int) -> bool:
    try:
        return "python" in psutil.Process(pid).name().lower() or "wiretuner" in " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
