"""PyInstaller runtime hook: the numba on-disk cache goes to a writable user folder (the bundle
may be read-only), unless NUMBA_CACHE_DIR is set already."""

import os
import sys

if not os.environ.get("NUMBA_CACHE_DIR"):
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(base, "wiretuner", "numba")
