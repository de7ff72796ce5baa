"""The `wiretuner` command (contract: shared/CLI.md).

Subcommands live one per module in wiretuner_gl/commands/ (each defines NAME, HELP,
add_arguments(parser) and run(args) -> exit code) and are found by name, so adding a command
never edits this file. Without a subcommand, `wiretuner [FILE]` opens the editor.
Exit codes: 0 ok, 1 a check failed, 2 bad input or usage (one line on stderr; --debug for a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sqlite3
import sys
import traceback

from . import __version__
from .errors import WireTunerError


def _command_modules() -> dict[str, object]:
    from . import commands

    mods = {}
    for info in pkgutil.iter_modules(commands.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        mods[mod.NAME] = mod
    return mods


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser(commands: dict[str, object]) -> argparse.ArgumentParser:
    parser = _Parser(prog="wiretuner", description="WireTuner GL: an event-sourced vector editor.")
    parser.add_argument("--version", action="version", version=f"wiretuner {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in sorted(commands):
        mod = commands[name]
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
        mod.add_arguments(p)
    return parser


def _editor_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wiretuner", description="Open the editor (see `wiretuner --help` for commands).")
    p.add_argument("file", nargs="?", help=".wiretuner document, or .svg/.ai/.json to import")
    p.add_argument("--script", help="JSON-lines input script to play (see README)")
    p.add_argument("--screenshot", help="write a PNG of the window after the script")
    p.add_argument("--exit", action="store_true", help="quit after the script, document saved")
    p.add_argument("--join", metavar="URL", action="append",
                   help="edit a shared document live through a gateway (ws://HOST:PORT; repeat for fail-over)")
    p.add_argument("--document", metavar="ID", help="with --join: the shared document's id")
    p.add_argument("--token-file", metavar="F",
                   help="with --join: a file holding a refresh token (default: $WIRETUNER_REFRESH_TOKEN, "
                        "or an access token in $WIRETUNER_TOKEN)")
    p.add_argument("--debug", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        commands = _command_modules()
        first = next((a for a in argv if a != "--debug"), None)
        if first is None or (first not in commands and first not in ("-h", "--help", "--version")):
            args = _editor_parser().parse_args(argv)
            from .app.main import run_editor  # only the editor needs windows

            return run_editor(args)
        args = build_parser(commands).parse_args(argv)
        return int(commands[args.command].run(args) or 0)
    except WireTunerError as exc:
        return _fail(exc, debug)
    except (FileNotFoundError, FileExistsError, IsADirectoryError, PermissionError, sqlite3.DatabaseError, ValueError) as exc:
        return _fail(exc, debug)
    except KeyboardInterrupt:
        return 130


def _fail(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    msg = str(exc) or type(exc).__name__
    if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in msg:
        msg = f"{exc.filename}: {exc.strerror or msg}"
    print(f"wiretuner: error: {msg}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
