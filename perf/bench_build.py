"""Cold start of the PyInstaller build beside the source install: seconds from process start to
the first drawn frame of the editor, and to the end of a one-frame scripted session (which
starts once the numba kernels are ready, so it includes compiling them when the cache is cold).

    python build_spec/build.py --dist /tmp/wt_dist          # first
    python perf/bench_build.py /tmp/wt_dist/wiretuner/wiretuner [--runs 2]

"cold" = an empty numba cache (NUMBA_CACHE_DIR), as on the first start after installing;
"warm" = the second start with that cache. The first frame is taken by a probe plugin whose
panel records, when the main window draws its first imgui frame, the time since the process
was created (psutil). Starts its own Xvfb when DISPLAY is not set. One JSON object last.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROBE = '''
import os, time
import psutil
PLUGIN_ID = "first_frame_probe"
API_VERSION = 1
def register(api):
    done = []
    def draw(ctx):
        if not done:
            done.append(1)
            with open(os.environ["FIRST_FRAME_OUT"], "w") as fh:
                fh.write(str(time.time() - psutil.Process().create_time()))
    api.panel("probe", draw)
'''


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def one_start(cmd: list[str], doc: Path, cache: Path, tmp: Path) -> dict:
    out = tmp / "first_frame.txt"
    out.unlink(missing_ok=True)
    script = tmp / "one_frame.jsonl"
    script.write_text('{"wait_frames": 1}\n')
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), WIRETUNER_PLUGIN_PATH=str(tmp / "probe"),
               FIRST_FRAME_OUT=str(out), WIRETUNER_RECOVERY_DIR=str(tmp / "recovery"))
    t0 = time.time()
    res = subprocess.run(cmd + [str(doc), "--script", str(script), "--exit"], env=env, capture_output=True,
                         text=True, timeout=900)
    total = time.time() - t0
    if res.returncode != 0 or not out.exists():
        raise SystemExit(f"bench_build: {cmd[0]} failed: {res.stderr[-1500:]}")
    return {"first_frame_s": round(float(out.read_text()), 3), "session_s": round(total, 3)}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("exe", type=Path, help="the built wiretuner executable")
    ap.add_argument("--runs", type=int, default=1, help="cold/warm pairs per install (default 1)")
    args = ap.parse_args()
    from wiretuner_gl.app.capture import start_xvfb

    xvfb = start_xvfb() if not os.environ.get("DISPLAY") else None
    tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        (tmp / "probe").mkdir()
        (tmp / "probe" / "first_frame_probe.py").write_text(PROBE)
        doc = tmp / "doc.wiretuner"
        subprocess.run([str(args.exe), "import", str(Path(__file__).resolve().parents[2] / "shared" / "corpus" / "svg" / "tiger.svg"),
                        "-o", str(doc)], check=True, capture_output=True)
        installs = {"source": [shutil.which("wiretuner") or sys.executable, *([] if shutil.which("wiretuner") else ["-m", "wiretuner_gl.cli"])],
                    "build": [str(args.exe)]}
        result: dict = {"build_size_mb": round(folder_size(args.exe.parent) / 2**20, 1), "document": "tiger.svg imported"}
        for name, cmd in installs.items():
            runs = {"cold": [], "warm": []}
            for r in range(args.runs):
                cache = tmp / f"numba-{name}-{r}"
                runs["cold"].append(one_start(cmd, doc, cache, tmp))
                runs["warm"].append(one_start(cmd, doc, cache, tmp))
            result[name] = {k: {m: round(statistics.median(x[m] for x in v), 3) for m in ("first_frame_s", "session_s")}
                            for k, v in runs.items()}
            print(f"{name}: {result[name]}", file=sys.stderr)
        print(json.dumps(result))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()


if __name__ == "__main__":
    main()
