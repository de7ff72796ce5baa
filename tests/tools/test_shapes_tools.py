import math

import pytest

from wiretuner_gl.model.nodes import EllipseGeom, LineGeom, PolygonGeom, RectGeom, StarGeom
from wiretuner_gl.store.session import DocumentSession
from wiretuner_gl.tools.testing import TestEditor


def test_rectangle_drag_creates_a_rect_shape_in_the_artboard_layer(ed):
    ed.key("M").drag(100, 80, 300, 200)
    (s,) = ed.shapes()
    assert s.geom == RectGeom(100.0, 80.0, 200.0, 120.0)
    assert s.parent in ed.doc.layers
    assert ed.selection == (s.id,)


def test_rectangle_with_corner_radius_setting(ed):
    ed.settings.corner_radius = 12.0
    ed.key("M").drag(10, 10, 110, 60)
    assert ed.shapes()[0].geom.r_tl == 12.0 and ed.shapes()[0].geom.r_br == 12.0


def test_shift_constrains_rectangle_to_a_square_and_alt_draws_from_centre(ed):
    ed.key("M").drag(100, 100, 160, 130, mods=["shift"])
    assert ed.shapes()[0].geom == RectGeom(100.0, 100.0, 60.0, 60.0)
    ed.key("Escape").key("M").drag(400, 300, 450, 320, mods=["alt"])
    g = [s for s in ed.shapes() if s.geom.x == 350.0][0].geom
    assert (g.x, g.y, g.width, g.height) == (350.0, 280.0, 100.0, 40.0)


def test_ellipse_polygon_star_line_tools_make_editable_shapes(ed):
    ed.key("L").drag(0, 0, 100, 50)
    ed.use("polygon").drag(200, 0, 300, 100)
    ed.settings.star_points = 7
    ed.use("star").drag(400, 0, 500, 100)
    ed.key("\\").drag(10, 300, 110, 310, mods=["shift"])
    geoms = {type(s.geom): s.geom for s in ed.shapes()}
    assert geoms[EllipseGeom] == EllipseGeom(50.0, 25.0, 50.0, 25.0)
    assert geoms[PolygonGeom].sides == 6 and geoms[PolygonGeom].radius == 50.0
    assert geoms[StarGeom].points == 7 and geoms[StarGeom].inner == 25.0
    ln = geoms[LineGeom]  # shift snapped it horizontal, keeping the dragged length
    assert (ln.x1, ln.y1, ln.y2) == (10.0, 300.0, 300.0) and ln.x2 == pytest.approx(10.0 + math.hypot(100, 10))
    line = [s for s in ed.shapes() if isinstance(s.geom, LineGeom)][0]
    assert line.style.fill is None and line.style.stroke is not None


def test_click_without_drag_creates_nothing(ed):
    ed.key("M").click(50, 50)
    assert ed.shapes() == [] and ed.session.store.count() == 2  # only the artboard and its layer


def test_escape_during_a_drag_removes_the_shape_and_leaves_no_undo_step(ed):
    ed.key("M").pointer_down(10, 10).pointer_move(100, 100).pointer_move(120, 110)
    assert len(ed.shapes()) == 1
    ed.key("Escape")
    assert ed.shapes() == []
    ed.pointer_up(120, 110)
    ed.key("Z", "ctrl")
    assert ed.doc.artboards  # undo did not remove the artboard: the aborted drag was not a step
    assert ed.shapes() == []


def test_a_shape_drag_is_one_undo_step_even_when_sampled(tmp_path):
    ed = TestEditor.new(tmp_path / "s.wiretuner")
    ed.key("M").drag(0, 0, 200, 200, steps=20)  # sample interval 0: every move is logged
    assert ed.session.store.count() > 5
    ed.key("Z", "ctrl")
    assert ed.shapes() == []
    ed.key("Z", "ctrl", "shift")
    assert ed.shapes()[0].geom.width == 200.0
    ed.close()


def test_shapes_survive_reopening_the_file(tmp_path):
    p = tmp_path / "r.wiretuner"
    ed = TestEditor.new(p)
    ed.key("L").drag(10, 10, 90, 50)
    ed.close()
    s = DocumentSession.open(p)
    assert [type(o.geom) for o in s.doc.objects.values()] == [EllipseGeom]
    s.close()


def test_grid_snapping_rounds_the_drag_to_the_grid(ed):
    ed.snapper.settings.grid = True
    ed.key("M").drag(12, 19, 147, 83)
    assert ed.shapes()[0].geom == RectGeom(10.0, 20.0, 140.0, 60.0)


def test_anchor_snapping_pulls_a_corner_onto_an_existing_anchor(ed):
    ed.key("M").drag(100, 100, 200, 200)
    ed.snapper.settings.anchors = True
    ed.key("M").drag(203, 197, 300, 300)
    g = ed.doc.objects[ed.selection[0]].geom
    assert (g.x, g.y) == (200.0, 200.0)
