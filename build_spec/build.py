"""Build the one-folder WireTuner GL application with PyInstaller.

    python build_spec/build.py [--dist DIR] [--work DIR]

Writes DIR/wiretuner/ (default dist/wiretuner/) with the `wiretuner` executable, checks that it
prints its version, and prints one JSON object last: the executable, the folder's size and the
build time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> dict:
    import PyInstaller.__main__

    t0 = time.perf_counter()
    PyInstaller.__main__.run([str(HERE / "wiretuner.spec"), "--noconfirm", "--clean", "--log-level", "WARN",
                              "--distpath", str(dist), "--workpath", str(work)])
    seconds = time.perf_counter() - t0
    folder = dist / "wiretuner"
    exe = folder / ("wiretuner.exe" if sys.platform == "win32" else "wiretuner")
    if not exe.exists():
        raise SystemExit(f"build.py: PyInstaller did not produce {exe}")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": ""})
    if out.returncode != 0:
        raise SystemExit(f"build.py: {exe} --version failed: {out.stderr.strip()[-500:]}")
    return {"exe": str(exe), "version": out.stdout.strip(), "size_mb": round(folder_size(folder) / 2**20, 1),
            "build_s": round(seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build")
    args = ap.parse_args()
    print(json.dumps(build(args.dist.resolve(), args.work.resolve())))


if __name__ == "__main__":
    main()
