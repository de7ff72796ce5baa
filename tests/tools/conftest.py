import pytest

from wiretuner_gl.tools.testing import TestEditor


@pytest.fixture
def ed(tmp_path):
    e = TestEditor.new(tmp_path / "t.wiretuner")
    yield e
    e.close()


def rect(ed, x0, y0, x1, y1):
    ed.use("rectangle").drag(x0, y0, x1, y1)
    return ed.selection[0]
