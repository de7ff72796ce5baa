"""Plugin importers and exporters work from the command line too, not only in the editor."""

import os
import subprocess
import sys
import textwrap

from wiretuner_gl.store import DocumentSession

PLUGIN = textwrap.dedent('''
    from pathlib import Path

    from wiretuner_gl.errors import ImportFailed
    from wiretuner_gl.events.build import creation_events
    from wiretuner_gl.io.registry import ImportReport, ImportResult
    from wiretuner_gl.model import Artboard, Document, Layer
    from wiretuner_gl.events.reducer import reduce_all
    from wiretuner_gl.events.types import ArtboardCreated, LayerCreated

    PLUGIN_ID = "boxes"
    API_VERSION = 1

    def export_counts(doc, out, *, artboard=None):
        Path(out).write_text(f"artboards={len(doc.artboards)} objects={len(doc.objects)}\\n")

    def import_boxes(path, guard):
        text = guard.read_bytes(path).decode()
        if not text.startswith("boxes "):
            raise ImportFailed(f"{path}: not a boxes file")
        w, h = (float(v) for v in text.split()[1:3])
        doc = reduce_all(Document(), [ArtboardCreated(Artboard("artboard:b.1", "Boxes", 0, 0, w, h, "a0")),
                                      LayerCreated(Layer("layer:b.2", "artboard:b.1", "L", "a0"))])
        return ImportResult(doc, ImportReport(str(path)))

    def register(api):
        api.exporter(".counts", export_counts)
        api.importer(".boxes", import_boxes)
''')


def wt(*args, env):
    return subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", *map(str, args)], capture_output=True, text=True, env=env)


def test_a_user_plugin_exporter_and_importer_work_from_the_cli(tmp_path):
    folder = tmp_path / "user-plugins"
    folder.mkdir()
    (folder / "boxes.py").write_text(PLUGIN)
    env = dict(os.environ, WIRETUNER_PLUGIN_PATH=str(folder))
    doc = tmp_path / "d.wiretuner"
    DocumentSession.create(doc).close()
    res = wt("export", doc, "-o", tmp_path / "d.counts", env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "d.counts").read_text() == "artboards=1 objects=0\n"
    src = tmp_path / "in.boxes"
    src.write_text("boxes 300 200\n")
    res = wt("import", src, "-o", tmp_path / "in.wiretuner", env=env)
    assert res.returncode == 0, res.stderr
    bad = tmp_path / "bad.boxes"
    bad.write_text("nope")
    res = wt("import", bad, "-o", tmp_path / "bad.wiretuner", env=env)
    assert res.returncode == 2 and "not a boxes file" in res.stderr and "Traceback" not in res.stderr
    # without the plugin the extension is unknown, with a clear message
    res = wt("export", doc, "-o", tmp_path / "x.counts", env=dict(env, WIRETUNER_PLUGIN_PATH=str(tmp_path / "none")))
    assert res.returncode == 2 and "no exporter for '.counts'" in res.stderr
