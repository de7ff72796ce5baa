"""The --script format is checked before any window opens: bad lines name the file and line."""

import subprocess
import sys

import pytest

from wiretuner_gl.app.script import ScriptError, load_script

from .conftest import REPO


def test_valid_lines_load_and_comments_are_skipped(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('# a comment\n{"key": "Z", "mods": ["ctrl"]}\n\n{"mouse": "drag", "x": 1, "y": 2, "to": [3, 4]}\n'
                 '{"wait_frames": 2}\n{"window": 1}\n{"drop": ["a.svg"]}\n{"scrub": null}\n')
    steps = load_script(p)
    assert [next(k for k in s if not k.startswith("_")) for s in steps] == ["key", "mouse", "wait_frames", "window", "drop", "scrub"]
    assert steps[1]["_where"].endswith("s.jsonl:4")


@pytest.mark.parametrize("line, problem", [
    ('{"mouse": "jump", "x": 1, "y": 2}', "mouse must be"),
    ('{"key": "NOPE"}', "unknown key"),
    ('{"key": "A", "mods": ["hyper"]}', "unknown modifier"),
    ('{"mouse": "down", "x": "left"}', "x"),
    ('[1, 2]', "JSON object"),
    ('{"key": ', "not JSON"),
    ('{"fly": true}', "unknown step"),
])
def test_bad_lines_are_refused_with_file_and_line(tmp_path, line, problem):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"key": "M"}\n' + line + "\n")
    with pytest.raises(ScriptError) as exc:
        load_script(p)
    assert f"{p}:2:" in str(exc.value) and problem in str(exc.value)


def test_the_command_exits_2_with_one_line_before_opening_a_window(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"wait_frames": "soon"}\n')
    out = subprocess.run([sys.executable, "-m", "wiretuner_gl.cli", "--script", str(p), "--exit"], cwd=REPO,
                         capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and f"{p}:1:" in out.stderr
