"""`wiretuner [FILE] [--script S.jsonl] [--screenshot OUT.png] [--exit]`: open the editor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import WireTunerError
from ..store.session import DocumentSession
from .recovery import Recovery

IMPORTABLE = (".svg", ".ai", ".json")


def open_or_import(path: Path, recovery: Recovery | None = None) -> DocumentSession:
    """Open a .wiretuner file; .svg/.ai/.json are imported into a new untitled document first."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix.lower() in IMPORTABLE:
        from ..events.build import creation_events
        from ..io.guard import FileGuard
        from ..io.registry import importer_for

        result = importer_for(path)(path, FileGuard(root=path.resolve().parent))
        rec = recovery or Recovery()
        target = rec.new_path()
        session = DocumentSession.create(target, artboard=None)
        events = creation_events(result.doc)
        if events:
            session.apply(events)
        if not session.doc.artboards:
            session.add_artboard("Artboard 1", 0, 0, 1920, 1080)
        rec.claim(target)
        return session
    return DocumentSession.open(path)


def run_editor(args) -> int:
    from imgui_bundle import imgui  # noqa: F401  (before glfw: imgui_bundle sets the GLFW library path)
    import glfw

    from .app import App
    from .panels import Dialog
    from .script import ScriptPlayer, load_script

    steps = load_script(args.script) if getattr(args, "script", None) else None
    recovery = Recovery()
    untitled = False
    join = getattr(args, "join", None)
    if join:  # a shared document: the local file is this user's journal; the document comes from the gateway
        from .collab import join_shared

        live = join_shared(args, recovery)
        session = live.session
        untitled, title = True, f"{args.document} (shared)"
    elif args.file:
        session = open_or_import(Path(args.file), recovery)
        untitled = Path(args.file).suffix.lower() in IMPORTABLE
        title = Path(args.file).name
    else:
        path = recovery.new_path()
        session = DocumentSession.create(path)
        recovery.claim(path)
        untitled = True
        title = "Untitled"
    orphans = [p for p in recovery.orphans() if p != Path(session.store.path)] if not (args.file or join) else []

    if not glfw.init():
        session.close()
        raise WireTunerError("cannot initialise GLFW (is there a display? try xvfb-run)")
    glfw.window_hint(glfw.CONTEXT_VERSION_MAJOR, 3)
    glfw.window_hint(glfw.CONTEXT_VERSION_MINOR, 3)
    glfw.window_hint(glfw.OPENGL_PROFILE, glfw.OPENGL_CORE_PROFILE)
    glfw.window_hint(glfw.OPENGL_FORWARD_COMPAT, glfw.TRUE)
    size = _size_from_env()
    app = App(session, title=title, size=size, recovery=recovery, untitled=untitled)
    if orphans:
        _offer_recovery(app, recovery, orphans[0], Dialog)
    player = ScriptPlayer(steps) if steps is not None else None
    import signal

    signal.signal(signal.SIGTERM, lambda *_: setattr(app, "quit", True))  # `kill` quits cleanly; kill -9 is what recovery is for
    signal.siginterrupt(signal.SIGTERM, False)  # restart system calls: Xlib treats an interrupted one as fatal
    code = 0
    try:
        while not app.quit:
            # a script starts once the first frame laid out the panels and the kernels are warm,
            # so a scripted session is reproducible whatever the state of the numba cache
            if join:
                live.drain()  # remote events, folded in once per frame on the main thread
            if player is not None and app.frame_no > 0 and app.kernels.is_set():
                player.step(app)
            busy = any(w.redraw_frames > 0 for w in app.windows.values())
            app.frame(wait=0.0 if busy else (0.01 if player is not None else 0.05))
            if player is not None and player.done:
                for _ in range(2):  # let the last input settle into a drawn frame
                    app.frame()
                if getattr(args, "screenshot", None):
                    app.screenshot(args.screenshot, player.window if player.window in app.windows else 0)
                player = None
                if args.exit:
                    break
        if getattr(args, "screenshot", None) and steps is None:
            app.screenshot(args.screenshot)
        if steps is not None:  # reproducible sessions: say where each window's view ended
            for wid, v in sorted(app.editor.views.items()):
                print(f"view {wid}: zoom={v.zoom!r} pan=({v.pan_x!r}, {v.pan_y!r}) size={v.width}x{v.height}")
    finally:
        if join:
            from .collab import leave_shared

            leave_shared(live)
        doc_path = Path(app.session.store.path)
        still_untitled = app.untitled
        app.close()
        glfw.terminate()
        if still_untitled:
            recovery.release(doc_path)
            if doc_path.exists():
                print(f"document: {doc_path} (untitled, kept in the recovery folder)")
        else:
            print(f"document: {doc_path}")
    return code


def _offer_recovery(app, recovery: Recovery, orphan: Path, Dialog) -> None:
    def reopen(_text):
        empty = Path(app.session.store.path)
        session = DocumentSession.open(orphan, recover=True)
        recovery.claim(orphan)
        app._switch(session, orphan)
        app.untitled = True
        recovery.discard(empty)
        app.report(f"reopened {orphan.name}")

    import time

    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.stat().st_mtime))
    why = "WireTuner did not close properly." if recovery.crashed(orphan) else "An untitled document was never saved."
    app.panels.offer(Dialog("recover", "Recover", f"{why} Reopen {orphan.name} (last change {when})?\n"
                            f"(Esc keeps it in {recovery.root} for later)", on_ok=reopen))


def _size_from_env() -> tuple[int, int]:
    raw = os.environ.get("WIRETUNER_WINDOW_SIZE", "1280x800")
    try:
        w, h = (int(v) for v in raw.lower().split("x"))
        return (w, h)
    except ValueError:
        print(f"wiretuner: ignoring WIRETUNER_WINDOW_SIZE={raw!r} (expected WxH)", file=sys.stderr)
        return (1280, 800)
