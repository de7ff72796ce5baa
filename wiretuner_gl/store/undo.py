"""Per-actor undo/redo stacks, derived from the log itself.

Undo appends the inverse of an operation group (cause "undo:G"); redo appends the inverse of that
undo (cause "redo:U"); an aborted gesture is compensated with cause "abort:G". So the stacks can
always be rebuilt from the log, and only the actor's own operations ever enter them.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable

DEFAULT_DEPTH = 200


class UndoHistory:
    def __init__(self, actor: str, depth: int = DEFAULT_DEPTH):
        self.actor = actor
        self.depth = depth
        self.undo_stack: deque[str] = deque()
        self.redo_stack: list[str] = []
        self._seen: set[str] = set()

    def feed(self, actor: str, group: str, cause: str | None) -> None:
        """Account for one logged event (in log order)."""
        if actor != self.actor or group in self._seen:
            return
        self._seen.add(group)
        if cause is None:
            self.undo_stack.append(group)
            self.redo_stack.clear()
        else:
            how, _, target = cause.partition(":")
            if how == "undo":
                self._remove(self.undo_stack, target)
                self.redo_stack.append(group)
            elif how == "redo":
                self._remove(self.redo_stack, target)
                self.undo_stack.append(group)
            elif how == "abort":
                self._remove(self.undo_stack, target)
            elif how == "init":  # the document's starting content (e.g. its first artboard)
                pass
            else:  # an unknown cause from a newer build: treat it as a fresh edit
                self.undo_stack.append(group)
                self.redo_stack.clear()
        while len(self.undo_stack) > self.depth:
            self.undo_stack.popleft()

    def feed_all(self, rows: Iterable[tuple[str, str, str | None]]) -> None:
        for actor, group, cause in rows:
            self.feed(actor, group, cause)

    def drop(self, group: str) -> None:
        """Forget a group that cannot be undone or redone any more."""
        self._remove(self.undo_stack, group)
        if group in self.redo_stack:
            self.redo_stack.remove(group)

    @staticmethod
    def _remove(stack, group: str) -> None:
        try:
            stack.remove(group)
        except ValueError:
            pass

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)
