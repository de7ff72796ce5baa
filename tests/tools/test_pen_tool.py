import pytest

from wiretuner_gl.model.nodes import Path


def only_path(ed) -> Path:
    (p,) = ed.paths()
    return p


def pts(p):
    return [(a.x, a.y) for a in p.subpaths[0].anchors]


def test_clicks_place_corner_anchors_and_enter_finishes(ed):
    ed.key("P").click(100, 100).click(200, 100).click(200, 200).key("Enter")
    p = only_path(ed)
    assert pts(p) == [(100, 100), (200, 100), (200, 200)]
    assert all(a.kind == "corner" and (a.in_x, a.in_y, a.out_x, a.out_y) == (0, 0, 0, 0) for a in p.subpaths[0].anchors)
    assert not p.subpaths[0].closed
    assert ed.selection == (p.id,) and not ed.tool.busy(ed.tool_state)


def test_click_drag_makes_a_smooth_anchor_with_mirrored_handles(ed):
    ed.key("P").click(100, 100).drag(200, 100, 240, 130).key("Escape")
    a = only_path(ed).subpaths[0].anchors[1]
    assert (a.out_x, a.out_y, a.in_x, a.in_y) == (40, 30, -40, -30)
    assert a.kind == "symmetric"


def test_alt_drag_breaks_the_handle(ed):
    ed.key("P").click(100, 100).drag(200, 100, 240, 130, mods=["alt"]).key("Enter")
    a = only_path(ed).subpaths[0].anchors[1]
    assert (a.in_x, a.in_y, a.out_x, a.out_y) == (0, 0, 40, 30) and a.kind == "corner"


def test_clicking_the_first_anchor_closes_the_path(ed):
    ed.key("P").click(100, 100).click(200, 100).click(150, 200).click(102, 101)
    p = only_path(ed)
    assert p.subpaths[0].closed and len(p.subpaths[0].anchors) == 3
    assert not ed.tool.busy(ed.tool_state)
    ed.click(400, 400).key("Enter")  # the next click starts a new path
    assert len(ed.paths()) == 2


def test_each_anchor_is_one_undo_step(ed):
    ed.key("P").click(100, 100).click(200, 100).drag(300, 100, 320, 140)
    ed.key("Enter").key("Z", "ctrl")
    assert pts(only_path(ed)) == [(100, 100), (200, 100)]
    ed.key("Z", "ctrl")
    assert pts(only_path(ed)) == [(100, 100)]
    ed.key("Z", "ctrl")
    assert ed.paths() == []
    ed.key("Z", "ctrl", "shift").key("Z", "ctrl", "shift")
    assert pts(only_path(ed)) == [(100, 100), (200, 100)]


def test_escape_while_dragging_an_anchor_removes_just_that_anchor(ed):
    ed.key("P").click(100, 100).click(200, 100).pointer_down(300, 100).pointer_move(330, 120)
    ed.key("Escape").pointer_up(330, 120)
    assert pts(only_path(ed)) == [(100, 100), (200, 100)]
    assert ed.tool.busy(ed.tool_state)  # still building: the next click continues the path
    ed.click(300, 300).key("Enter")
    assert pts(only_path(ed)) == [(100, 100), (200, 100), (300, 300)]


def test_pressing_an_open_end_resumes_the_path(ed):
    ed.key("P").click(100, 100).click(200, 100).key("Enter")
    ed.click(200, 100).click(200, 200).key("Enter")
    assert pts(only_path(ed)) == [(100, 100), (200, 100), (200, 200)]
    ed.click(100, 100).click(0, 100).key("Enter")  # from the start: the new anchor goes first
    assert pts(only_path(ed)) == [(0, 100), (100, 100), (200, 100), (200, 200)]


def test_switching_tools_finishes_the_path(ed):
    ed.key("P").click(10, 10).click(50, 50)
    ed.key("V")
    assert ed.tool_name == "select" and len(only_path(ed).subpaths[0].anchors) == 2


def test_a_resumed_path_in_a_transformed_group_gets_local_coordinates(ed):
    from wiretuner_gl.events.types import ObjectTransformed
    from wiretuner_gl.model.values import IDENTITY, translate

    ed.key("P").click(100, 100).click(200, 100).key("Enter")
    p = only_path(ed)
    ed.apply([ObjectTransformed(p.id, IDENTITY, translate(50, 0))])
    ed.use("pen").click(250, 100).click(250, 200).key("Enter")
    assert pts(only_path(ed))[-1] == (200, 200)


def test_space_pan_in_the_middle_of_a_path_keeps_drawing_it(ed):
    ed.key("P").click(100, 100).click(200, 100)
    ed.key_down("Space")
    ed.drag(300, 300, 350, 300)
    ed.key_up("Space")
    assert ed.tool_name == "pen" and ed.view.pan_x == 50
    ed.click(350, 300).key("Enter")  # screen (350, 300) is document (300, 300) after the pan
    assert pts(only_path(ed)) == [(100, 100), (200, 100), (300, 300)]
