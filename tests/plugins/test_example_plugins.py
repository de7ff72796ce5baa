"""The shipped example plugins, driven headlessly through the plugin authors' fixtures."""

from __future__ import annotations

import math
from pathlib import Path

from wiretuner_gl.model.values import apply as apply_t
from wiretuner_gl.plugin_api import plugin_of_group

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def _last_group(ed) -> str:
    return list(ed.session.store.records(ed.session.seq, ed.session.seq))[0].group


def test_spiral_drag_creates_one_open_spiral_reaching_the_pointer(plugin_editor):
    ed = plugin_editor(PLUGINS / "spiral.py")
    ed.settings.extra["spiral.turns"] = 2.0
    ed.use("spiral").drag(400, 300, 500, 300)
    (p,) = ed.paths()
    sub = p.subpaths[0]
    assert not sub.closed and p.style.fill is None
    first, last = sub.anchors[0], sub.anchors[-1]
    assert (first.x, first.y) == (400, 300)
    assert math.isclose(last.x, 500, abs_tol=1e-9) and math.isclose(last.y, 300, abs_tol=1e-9)
    assert len(sub.anchors) == 17  # 2 turns, one anchor every 45°, plus the start
    radii = [math.hypot(a.x - 400, a.y - 300) for a in sub.anchors]
    assert radii == sorted(radii)  # the spiral only moves outwards
    assert ed.selection == (p.id,)


def test_spiral_preview_follows_the_pointer_and_escape_creates_nothing(plugin_editor):
    ed = plugin_editor(PLUGINS / "spiral.py")
    ed.use("spiral").pointer_down(200, 200).pointer_move(260, 240)
    kinds = [o.kind for o in ed.overlays()]
    assert "polyline" in kinds
    ed.key("Escape").pointer_up(260, 240)
    assert ed.paths() == [] and ed.overlays() == []


def test_spiral_is_one_undo_step_attributed_to_the_plugin(plugin_editor):
    ed = plugin_editor(PLUGINS / "spiral.py")
    ed.use("spiral").drag(100, 100, 160, 140)
    assert plugin_of_group(_last_group(ed)) == "spiral"
    ed.undo()
    assert ed.paths() == []
    ed.redo()
    assert len(ed.paths()) == 1


def test_rounded_star_has_two_anchors_per_corner_and_points_at_the_drag(plugin_editor):
    ed = plugin_editor(PLUGINS / "rounded_star.py")
    ed.settings.extra.update({"rounded_star.points": 6, "rounded_star.roundness": 0.4})
    ed.use("rounded_star").drag(300, 300, 300, 200)  # tip straight up, outer radius 100
    (p,) = ed.paths()
    sub = p.subpaths[0]
    assert sub.closed and len(sub.anchors) == 24
    # the first tip's fillet is symmetric about the drag direction, just below the tip
    a0, a1 = sub.anchors[0], sub.anchors[1]
    assert math.isclose(a0.x - 300, 300 - a1.x, abs_tol=1e-9) and math.isclose(a0.y, a1.y, abs_tol=1e-9)
    assert 200 < a0.y < 230
    # every anchor stays within the outer radius
    assert max(math.hypot(a.x - 300, a.y - 300) for a in sub.anchors) < 100
    assert plugin_of_group(_last_group(ed)) == "rounded_star"


def test_rounded_star_with_zero_roundness_is_a_sharp_star(plugin_editor):
    ed = plugin_editor(PLUGINS / "rounded_star.py")
    ed.settings.extra.update({"rounded_star.points": 5, "rounded_star.roundness": 0.0, "rounded_star.inner": 0.5})
    ed.use("rounded_star").drag(100, 100, 200, 100)
    sub = ed.paths()[0].subpaths[0]
    radii = [round(math.hypot(a.x - 100, a.y - 100), 9) for a in sub.anchors]
    assert radii == [100.0, 50.0] * 5


def test_array_tool_fills_the_grid_with_copies_in_one_undo_step(plugin_editor):
    ed = plugin_editor(PLUGINS / "array_repeat.py")
    ed.key("M").drag(10, 10, 50, 40)  # a rectangle with the built-in tool
    (rect,) = ed.shapes()
    ed.settings.extra.update({"array.columns": 3, "array.rows": 2})
    ed.use("array").drag(100, 100, 300, 250)  # last copy 200 right and 150 down
    shapes = ed.shapes()
    assert len(shapes) == 6
    origins = sorted((round(s.transform[4]), round(s.transform[5])) for s in shapes)
    assert origins == [(0, 0), (0, 150), (100, 0), (100, 150), (200, 0), (200, 150)]
    assert len(ed.selection) == 6
    assert plugin_of_group(_last_group(ed)) == "array"
    ed.undo()
    assert [s.id for s in ed.shapes()] == [rect.id]


def test_array_copies_inside_a_rotated_group_repeat_along_the_page(plugin_editor):
    from wiretuner_gl.events import types as T
    from wiretuner_gl.model.nodes import Group
    from wiretuner_gl.model.values import rotate

    ed = plugin_editor(PLUGINS / "array_repeat.py")
    layer = ed.active_layer()
    g = Group(ed.new_id("group"), layer, ed.next_order(layer), transform=rotate(90))
    ed.apply([T.ObjectCreated(g)])
    ed.key("M").drag(10, 10, 50, 40)
    rect = ed.shapes()[0]
    ed.apply([T.ObjectReparented(rect.id, (rect.parent, rect.order), (g.id, "a0"))])
    ed.selection = (rect.id,)
    ed.settings.extra.update({"array.columns": 2, "array.rows": 1, "array.gap_x": 100.0, "array.gap_y": 0.0})
    ed.run_command("array.repeat")
    copy = next(s for s in ed.shapes() if s.id != rect.id)
    world = lambda s, x, y: apply_t(g.transform, *apply_t(s.transform, x, y))  # noqa: E731
    x0, y0 = world(ed.get(rect.id), 0, 0)
    x1, y1 = world(copy, 0, 0)
    assert math.isclose(x1 - x0, 100, abs_tol=1e-9) and math.isclose(y1 - y0, 0, abs_tol=1e-9)


def test_array_command_is_one_undo_step_and_names_the_plugin_in_history(plugin_editor):
    from wiretuner_gl.commands.history import operations

    ed = plugin_editor(PLUGINS / "array_repeat.py")
    ed.key("L").drag(10, 10, 60, 60)
    ed.selection = (ed.shapes()[0].id,)
    ed.settings.extra.update({"array.columns": 4, "array.rows": 3})
    ed.run_command("array.repeat")
    assert len(ed.shapes()) == 12
    op = operations(ed.session.store, 1)[0]
    assert op["group"].endswith("@plugin:array") and op["events"] == 11
    ed.undo()
    assert len(ed.shapes()) == 1


def test_array_tool_without_a_selection_does_nothing(plugin_editor):
    ed = plugin_editor(PLUGINS / "array_repeat.py")
    ed.use("array").drag(100, 100, 300, 250)
    assert ed.objects() == []
