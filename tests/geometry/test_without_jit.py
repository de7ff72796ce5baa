"""The kernel tests give the same results with numba's JIT off (pure Python kernels)."""

import os
import subprocess
import sys
from pathlib import Path


def test_kernel_tests_pass_with_numba_disable_jit():
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    mods = ["tests/geometry/test_kernels.py", "tests/geometry/test_query.py"]
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *mods],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "skipped" not in r.stdout
