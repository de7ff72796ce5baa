"""Entry point of the PyInstaller build: the same `wiretuner` command as the source install."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from wiretuner_gl.cli import main

    sys.exit(main())
