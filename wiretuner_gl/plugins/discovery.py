"""Where plugins come from: the built-in tools, the `wiretuner_gl.plugins` entry-point group,
the app's `plugins/` folder and the user plugin folder(s). Each candidate is loaded lazily by
the host, so an import error becomes a broken-plugin entry, never a crash."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..plugin_api import ENTRY_POINT_GROUP

USER_PATH_ENV = "WIRETUNER_PLUGIN_PATH"


@dataclass
class Candidate:
    source: str  # where it was found, for the user: "entry point spiral (pkg.mod)", "plugins/spiral.py"
    hint: str  # the id expected (file stem / entry-point name) until the module says otherwise
    load: Callable[[], object]  # returns the plugin module (or object with register/PLUGIN_ID)


def app_plugin_dir() -> Path:
    """The `plugins/` folder shipped with the app (beside the package, or inside the frozen build)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "plugins"
    return Path(__file__).resolve().parents[2] / "plugins"


def user_plugin_dirs() -> list[Path]:
    """$WIRETUNER_PLUGIN_PATH (os.pathsep-separated) or $XDG_DATA_HOME/wiretuner/plugins."""
    raw = os.environ.get(USER_PATH_ENV)
    if raw is not None:
        return [Path(p).expanduser() for p in raw.split(os.pathsep) if p]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return [base / "wiretuner" / "plugins"]


def builtin() -> list[Candidate]:
    return [Candidate("built-in", "builtin", lambda: importlib.import_module("wiretuner_gl.plugins.builtin"))]


def from_entry_points(group: str = ENTRY_POINT_GROUP) -> list[Candidate]:
    out = []
    for ep in sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name):
        dist = getattr(ep.dist, "name", None)
        where = f"entry point {ep.name} ({ep.value}{', ' + dist if dist else ''})"
        out.append(Candidate(where, ep.name, ep.load))
    return out


def from_folder(folder: Path) -> list[Candidate]:
    """`name.py` files and `name/__init__.py` packages directly in `folder` (sorted by name;
    names starting with `_` or `.` are skipped)."""
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(("_", ".")):
            continue
        if p.suffix == ".py" and p.is_file():
            out.append(Candidate(str(p), p.stem, _file_loader(p, p.stem)))
        elif p.is_dir() and (p / "__init__.py").is_file():
            out.append(Candidate(str(p), p.name, _file_loader(p / "__init__.py", p.name, package=p)))
    return out


def _file_loader(path: Path, stem: str, package: Path | None = None) -> Callable[[], object]:
    def load():
        name = f"wiretuner_plugins.{stem}"
        spec = importlib.util.spec_from_file_location(
            name, path, submodule_search_locations=[str(package)] if package is not None else None)
        if spec is None or spec.loader is None:
            raise ImportError(f"{path}: not a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and pickling look the module up by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module

    return load


def all_candidates(*, entry_points: bool = True, app_dir: Path | None = None,
                   user_dirs: list[Path] | None = None) -> list[Candidate]:
    found = builtin()
    if entry_points:
        found += from_entry_points()
    found += from_folder(app_dir if app_dir is not None else app_plugin_dir())
    for d in user_dirs if user_dirs is not None else user_plugin_dirs():
        found += from_folder(d)
    return found
