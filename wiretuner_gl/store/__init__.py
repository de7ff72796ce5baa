"""The .wiretuner file: event log, snapshots, loading, undo history, the editing session."""

from .file import EventStore
from .loader import LoadResult, load, replay
from .session import DocumentSession, Gesture, UndoResult
from .undo import UndoHistory

__all__ = ["EventStore", "LoadResult", "load", "replay", "DocumentSession", "Gesture", "UndoResult", "UndoHistory"]
