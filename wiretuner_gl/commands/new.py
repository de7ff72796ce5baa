from __future__ import annotations

import re

from ..errors import WireTunerError
from ..store import DocumentSession

NAME = "new"
HELP = "create an empty document with one artboard"


def add_arguments(p) -> None:
    p.add_argument("file", help="the .wiretuner file to create")
    p.add_argument("--artboard", default="1920x1080", help="artboard size WxH (default 1920x1080)")
    p.add_argument("--name", default="Artboard 1", help="artboard name")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")


def parse_size(text: str) -> tuple[float, float]:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[xX×]\s*(\d+(?:\.\d+)?)\s*", text)
    if not m or float(m.group(1)) <= 0 or float(m.group(2)) <= 0:
        raise WireTunerError(f"--artboard: expected WIDTHxHEIGHT with positive numbers, got {text!r}")
    return float(m.group(1)), float(m.group(2))


def run(args) -> int:
    size = parse_size(args.artboard)
    with DocumentSession.create(args.file, artboard=size, name=args.name, overwrite=args.force) as s:
        print(f"created {args.file}: artboard {args.name!r} {size[0]:g}x{size[1]:g}, state {s.doc.state_hash()[:12]}")
    return 0
