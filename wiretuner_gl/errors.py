"""Exceptions a user can act on. Each names the file (where there is one) and the problem."""


class WireTunerError(Exception):
    """Base of every error the command line turns into one line on stderr and exit code 2."""

    exit_code = 2


class NotADocument(WireTunerError):
    """The file is not a SQLite database, or a SQLite database that is not a .wiretuner document."""


class FormatTooNew(WireTunerError):
    """The file was written by a newer WireTuner GL whose format this build cannot read."""


class DocumentCorrupt(WireTunerError):
    """The file is damaged: truncated, malformed, or an event row fails its checksum."""

    def __init__(self, message: str, *, seq: int | None = None):
        super().__init__(message)
        self.seq = seq


class DocumentReadOnly(WireTunerError):
    """An edit was attempted on a document opened read-only (e.g. after recovering a damaged file)."""


class DocumentJsonError(WireTunerError):
    """A JSON document or event failed validation; the message starts with the offending field's path."""

    def __init__(self, path: str, problem: str, *, source: str | None = None):
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{path}: {problem}")
        self.path = path
        self.problem = problem


class ReducerError(WireTunerError):
    """An event cannot apply to the document (unknown id, duplicate id, non-empty container...)."""


class FileAccessDenied(WireTunerError):
    """The file guard refused a path (outside the allowed root, too large, not a regular file)."""


class ImportFailed(WireTunerError):
    """An importer rejected its input; the message names the file and the problem."""
