from __future__ import annotations

import json
import time
from pathlib import Path

from ..events.build import creation_events
from ..io.guard import FileGuard
from ..io.registry import IMPORTERS, importer_for
from ._common import plugins_for
from ..store import DocumentSession

NAME = "import"
HELP = "import .svg, .ai or .json into a new document; the import report is stored and printed"


def add_arguments(p) -> None:
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True, help="the .wiretuner file to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing output")


def import_into_new(input_path: str, output: str, *, overwrite: bool = False):
    """Import a file into a new document (one operation group); returns (session, report)."""
    plugins_for(input_path, IMPORTERS)
    importer = importer_for(input_path)
    src = FileGuard().check(input_path)
    result = importer(src, FileGuard(root=Path(src).parent))
    session = DocumentSession.create(output, artboard=None, overwrite=overwrite, actor="import")
    records = session.apply(creation_events(result.doc))
    seq = records[-1].seq if records else 0
    session.store.db["import_reports"].insert(
        {"ts": time.time(), "seq": seq, "source": str(src), "report": json.dumps(result.report.to_data())}
    )
    return session, result.report


def run(args) -> int:
    session, report = import_into_new(args.input, args.output, overwrite=args.force)
    with session:
        counts = session.doc.counts()
        print(f"imported {args.input} -> {args.output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if report.warnings:
        print(f"import report: {len(report.warnings)} warning(s)")
        for w in report.warnings:
            print(f"  - {w}")
    else:
        print("import report: nothing approximated or dropped")
    return 0
