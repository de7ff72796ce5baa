import math

import pytest

from wiretuner_gl.model.nodes import Group
from wiretuner_gl.tools._geom import object_bounds

from .conftest import rect


def bounds(ed, oid):
    return tuple(round(v, 6) for v in object_bounds(ed.doc, oid))


def test_click_selects_the_frontmost_object_and_empty_click_clears(ed):
    a = rect(ed, 100, 100, 200, 200)
    b = rect(ed, 150, 150, 250, 250)
    ed.key("V").click(175, 175)
    assert ed.selection == (b,)
    ed.click(110, 110)
    assert ed.selection == (a,)
    ed.click(600, 500)
    assert ed.selection == ()


def test_shift_click_adds_and_removes(ed):
    a = rect(ed, 0, 0, 50, 50)
    b = rect(ed, 100, 0, 150, 50)
    ed.key("V").click(25, 25).click(125, 25, mods=["shift"])
    assert set(ed.selection) == {a, b}
    ed.click(25, 25, mods=["shift"])
    assert ed.selection == (b,)


def test_marquee_selects_objects_it_touches(ed):
    a = rect(ed, 0, 0, 50, 50)
    rect(ed, 300, 300, 350, 350)
    c = rect(ed, 100, 0, 150, 50)
    ed.key("V").drag(-10, -10, 120, 60)
    assert set(ed.selection) == {a, c}


def test_drag_moves_the_selection_as_one_undo_step(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").drag(150, 150, 180, 110, steps=6)
    assert bounds(ed, a) == (130.0, 60.0, 230.0, 160.0)
    ed.key("Z", "ctrl")
    assert bounds(ed, a) == (100.0, 100.0, 200.0, 200.0)


def test_shift_drag_constrains_the_move_to_one_axis(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").pointer_down(150, 150).pointer_move(170, 155, mods=["shift"]).pointer_move(190, 160, mods=["shift"])
    ed.pointer_up(190, 160, mods=["shift"])
    assert bounds(ed, a) == (140.0, 100.0, 240.0, 200.0)


def test_escape_during_a_move_restores_the_objects(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").pointer_down(150, 150).pointer_move(250, 250).pointer_move(300, 300)
    assert bounds(ed, a)[0] == 250.0
    ed.key("Escape").pointer_up(300, 300)
    assert bounds(ed, a) == (100.0, 100.0, 200.0, 200.0)


def test_corner_handle_scales_from_the_opposite_corner_and_shift_keeps_proportions(ed):
    a = rect(ed, 100, 100, 200, 150)
    ed.key("V").click(150, 125)
    ed.drag(200, 150, 300, 175)  # bottom-right handle
    assert bounds(ed, a) == (100.0, 100.0, 300.0, 175.0)
    ed.key("Z", "ctrl").drag(200, 150, 300, 160, mods=["shift"])
    assert bounds(ed, a) == (100.0, 100.0, 300.0, 200.0)


def test_alt_scales_about_the_centre(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").click(150, 150).drag(200, 150, 250, 150, mods=["alt"])  # right-middle handle
    assert bounds(ed, a) == (50.0, 100.0, 250.0, 200.0)


def test_rotate_handle_turns_the_selection_and_shift_snaps_to_15_degrees(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").click(150, 150)
    # the rotate handle sits 24 px above the top-middle handle
    ed.drag(150, 76, 150 + 74 * math.cos(math.radians(-50)), 150 + 74 * math.sin(math.radians(-50)), mods=["shift"])
    t = ed.doc.objects[a].transform
    assert math.degrees(math.atan2(t[1], t[0])) == pytest.approx(45.0)
    b = bounds(ed, a)
    assert (b[0] + b[2]) / 2 == pytest.approx(150.0) and b[2] - b[0] == pytest.approx(100 * math.sqrt(2), rel=1e-3)


def test_arrow_keys_nudge_and_shift_nudges_ten(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").click(150, 150).key("Right").key("Down", "shift")
    assert bounds(ed, a) == (101.0, 110.0, 201.0, 210.0)


def test_delete_removes_the_selection_and_undo_brings_it_back(ed):
    a = rect(ed, 100, 100, 200, 200)
    ed.key("V").click(150, 150).key("Delete")
    assert a not in ed.doc.objects and ed.selection == ()
    ed.key("Z", "ctrl")
    assert a in ed.doc.objects


def test_group_and_ungroup_keep_positions_and_order(ed):
    a = rect(ed, 0, 0, 50, 50)
    b = rect(ed, 100, 0, 150, 50)
    ed.key("V").key("A", "ctrl").key("G", "ctrl")
    (g,) = ed.groups()
    assert ed.selection == (g.id,) and ed.doc.children(g.id) == (a, b)
    ed.drag(25, 25, 35, 35)  # moving the group moves both
    assert bounds(ed, a)[:2] == (10.0, 10.0) and bounds(ed, b)[:2] == (110.0, 10.0)
    ed.key("G", "ctrl", "shift")
    assert ed.groups() == [] and set(ed.selection) == {a, b}
    assert bounds(ed, a)[:2] == (10.0, 10.0) and bounds(ed, b)[:2] == (110.0, 10.0)
    layer = ed.doc.objects[a].parent
    assert ed.doc.children(layer) == (a, b)


def test_clicking_a_grouped_object_selects_its_group(ed):
    a = rect(ed, 0, 0, 50, 50)
    rect(ed, 100, 0, 150, 50)
    ed.key("V").key("A", "ctrl").key("G", "ctrl").click(500, 500).click(25, 25)
    assert isinstance(ed.doc.objects[ed.selection[0]], Group)


def test_duplicate_places_an_offset_copy_above(ed):
    a = rect(ed, 0, 0, 50, 50)
    ed.key("V").click(25, 25).key("D", "ctrl")
    (c,) = ed.selection
    assert c != a and bounds(ed, c) == (10.0, 10.0, 60.0, 60.0)
    layer = ed.doc.objects[a].parent
    assert ed.doc.children(layer) == (a, c)


def test_bring_forward_and_send_backward_restack_one_step(ed):
    a = rect(ed, 0, 0, 50, 50)
    b = rect(ed, 10, 10, 60, 60)
    c = rect(ed, 20, 20, 70, 70)
    layer = ed.doc.objects[a].parent
    ed.key("V").click(5, 5).key("]", "ctrl")
    assert ed.doc.children(layer) == (b, a, c)
    ed.key("]", "ctrl")
    assert ed.doc.children(layer) == (b, c, a)
    ed.key("[", "ctrl").key("[", "ctrl")
    assert ed.doc.children(layer) == (a, b, c)


def test_locked_objects_cannot_be_picked(ed):
    from wiretuner_gl.events.types import ObjectLockChanged

    a = rect(ed, 0, 0, 50, 50)
    ed.apply([ObjectLockChanged(a, False, True)])
    ed.key("V").click(25, 25)
    assert ed.selection == ()


def test_layers_drag_and_drop_moves_an_object_above_another_or_into_a_group(ed):
    from wiretuner_gl.tools import ops

    a = rect(ed, 0, 0, 50, 50)
    b = rect(ed, 10, 10, 60, 60)
    c = rect(ed, 20, 20, 70, 70)
    layer = ed.doc.objects[a].parent
    ed.apply(ops.move_above(ed.doc, a, b))
    assert ed.doc.children(layer) == (b, a, c)
    ed.apply(ops.move_above(ed.doc, c, layer))  # onto the layer row: on top of it (already there: no event)
    assert ops.move_above(ed.doc, c, layer) == [] and ed.doc.children(layer) == (b, a, c)
    ed.key("V")
    ed.selection = (a, b)
    ed.key("G", "ctrl")
    g = ed.selection[0]
    ed.apply(ops.move_above(ed.doc, c, a))  # beside an object inside the group: c joins the group
    assert ed.doc.objects[c].parent == g and ed.doc.children(g)[-1] == c
    assert ops.move_above(ed.doc, g, c) == []  # a group cannot go inside itself
