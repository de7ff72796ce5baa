"""Joining a shared document from the editor (`wiretuner --join ws://HOST:PORT --document ID`).

The session stays the editing API; wiretuner_gl.sync.live.LiveDocument sends what it logs and,
drained once per frame by the main loop, folds in what others did. The local journal lives in
the recovery folder, so edits made while offline survive a crash and are uploaded on reconnect.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import WireTunerError
from ..store.session import DocumentSession
from .recovery import Recovery


def token_provider(args):
    """A refresh-token provider (preferred: access tokens expire in 15 minutes) or a fixed access token."""
    from ..sync.tokens import RefreshTokenProvider

    refresh = None
    if args.token_file:
        refresh = Path(args.token_file).read_text().strip()
    elif os.environ.get("WIRETUNER_REFRESH_TOKEN"):
        refresh = os.environ["WIRETUNER_REFRESH_TOKEN"].strip()
    if refresh:
        return RefreshTokenProvider(args.join[0], refresh)
    access = os.environ.get("WIRETUNER_TOKEN", "").strip()
    if not access:
        raise WireTunerError("--join needs a token: --token-file, $WIRETUNER_REFRESH_TOKEN or $WIRETUNER_TOKEN")
    return lambda: access


def join_shared(args, recovery: Recovery):
    from ..sync.live import LiveDocument

    if not args.document:
        raise WireTunerError("--join needs --document ID")
    if args.file:
        raise WireTunerError("--join opens the shared document; do not name a FILE as well")
    journal = recovery.new_path()
    session = DocumentSession.create(journal, artboard=None)
    recovery.claim(journal)
    return LiveDocument(session, list(args.join), args.document, token_provider(args)).start()


def leave_shared(live, timeout: float = 10.0) -> None:
    """Wait (bounded) until our edits are acknowledged, then print the converged state."""
    try:
        live.sync(timeout=timeout)
    except Exception as exc:  # offline at exit: the journal keeps the edits for next time
        print(f"shared document: not everything acknowledged at exit ({exc}); kept in the journal")
    live.drain()
    print(f"shared state: {live.session.doc.state_hash()}")
    live.close()
