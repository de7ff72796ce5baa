"""Our GPU render of each committed scene against resvg's render of our SVG export of it."""

import pytest

from wiretuner_gl.io.svg_export import svg_string
from wiretuner_gl.render import SceneRenderer, render_document

from .imagecmp import assert_similar, resvg_rgba
from .scenes import SCENES, SIZE

pytestmark = pytest.mark.gl


def test_there_are_at_least_sixty_reference_scenes():
    assert len(SCENES) >= 60


@pytest.mark.parametrize("name", sorted(SCENES))
def test_scene_matches_resvg(ctx, name):
    doc = SCENES[name]()
    r = SceneRenderer(ctx)
    try:
        actual = render_document(doc, SIZE, SIZE, renderer=r)
    finally:
        r.release()
    expected = resvg_rgba(svg_string(doc, size=(SIZE, SIZE)), SIZE, SIZE)
    assert_similar(name, expected, actual)
