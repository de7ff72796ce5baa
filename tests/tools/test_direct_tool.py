import pytest

from wiretuner_gl.model.nodes import Path, Shape


def make_path(ed, *points, close=False):
    ed.use("pen")
    for x, y in points:
        ed.click(x, y)
    if close:
        ed.click(*points[0])
    else:
        ed.key("Enter")
    return ed.selection[0]


def anchors(ed, pid):
    return ed.doc.objects[pid].subpaths[0].anchors


def test_drag_an_anchor_moves_it_as_one_undo_step(ed):
    pid = make_path(ed, (100, 100), (200, 100), (200, 200))
    ed.key("A").drag(200, 100, 220, 80)
    assert (anchors(ed, pid)[1].x, anchors(ed, pid)[1].y) == (220, 80)
    assert ed.anchor_selection == {(pid, anchors(ed, pid)[1].key)}
    ed.key("Z", "ctrl")
    assert (anchors(ed, pid)[1].x, anchors(ed, pid)[1].y) == (200, 100)


def test_marquee_selects_anchors_and_dragging_moves_them_together(ed):
    pid = make_path(ed, (100, 100), (200, 100), (200, 200))
    ed.key("A").drag(150, 50, 250, 250)
    assert len(ed.anchor_selection) == 2
    ed.drag(200, 100, 210, 110)
    assert [(a.x, a.y) for a in anchors(ed, pid)] == [(100, 100), (210, 110), (210, 210)]


def test_shift_click_toggles_anchor_selection(ed):
    pid = make_path(ed, (100, 100), (200, 100), (200, 200))
    ed.key("A").click(100, 100).click(200, 200, mods=["shift"])
    keys = [a.key for a in anchors(ed, pid)]
    assert ed.anchor_selection == {(pid, keys[0]), (pid, keys[2])}


def test_dragging_a_handle_of_a_smooth_anchor_keeps_the_other_collinear(ed):
    ed.use("pen").click(100, 100).drag(200, 100, 240, 100).click(300, 200).key("Enter")
    pid = ed.paths()[0].id
    ed.key("A").click(200, 100)  # select it: its handles appear
    ed.drag(240, 100, 200, 60)  # turn the out handle straight up
    a = anchors(ed, pid)[1]
    assert (a.out_x, a.out_y) == (0, -40)
    assert a.in_x == pytest.approx(0) and a.in_y == pytest.approx(40)


def test_alt_dragging_a_handle_breaks_it(ed):
    ed.use("pen").click(100, 100).drag(200, 100, 240, 100).click(300, 200).key("Enter")
    pid = ed.paths()[0].id
    ed.key("A").click(200, 100).drag(240, 100, 200, 60, mods=["alt"])
    a = anchors(ed, pid)[1]
    assert (a.in_x, a.in_y, a.out_x, a.out_y) == (-40, 0, 0, -40) and a.kind == "corner"


def test_alt_click_converts_corner_to_smooth_and_back(ed):
    pid = make_path(ed, (100, 100), (200, 100), (300, 100))
    ed.key("A").click(200, 100, mods=["alt"])
    a = anchors(ed, pid)[1]
    assert a.kind == "smooth" and (a.in_x, a.out_x) == pytest.approx((-100 / 3, 100 / 3))
    ed.click(200, 100, mods=["alt"])
    a = anchors(ed, pid)[1]
    assert a.kind == "corner" and (a.in_x, a.in_y, a.out_x, a.out_y) == (0, 0, 0, 0)


def test_shift_c_cycles_anchor_types(ed):
    pid = make_path(ed, (100, 100), (200, 100), (300, 150))
    ed.key("A").click(200, 100).key("C", "shift")
    assert anchors(ed, pid)[1].kind == "smooth"
    ed.key("C", "shift")
    a = anchors(ed, pid)[1]
    assert a.kind == "symmetric" and (a.in_x, a.in_y) == pytest.approx((-a.out_x, -a.out_y))


def test_delete_removes_selected_anchors_and_a_too_short_path(ed):
    pid = make_path(ed, (100, 100), (200, 100), (200, 200))
    ed.key("A").click(200, 100).key("Delete")
    assert [(a.x, a.y) for a in anchors(ed, pid)] == [(100, 100), (200, 200)]
    ed.click(100, 100).key("Delete")
    assert pid not in ed.doc.objects
    ed.key("Z", "ctrl").key("Z", "ctrl")
    assert len(anchors(ed, pid)) == 3


def test_alt_click_on_a_segment_inserts_an_anchor_without_changing_the_shape(ed):
    pid = make_path(ed, (100, 100), (300, 100))
    ed.key("A").click(150, 100, mods=["alt"])
    assert [(a.x, a.y) for a in anchors(ed, pid)] == [(100, 100), (pytest.approx(150, abs=1), 100), (300, 100)]
    # on a curve: splitting keeps the curve (de Casteljau)
    ed.use("pen").click(100, 300).drag(300, 300, 340, 380).key("Enter")
    cid = ed.selection[0]
    from wiretuner_gl.tools._geom import flatten
    from wiretuner_gl.model.values import IDENTITY

    before = flatten(ed.doc.objects[cid], IDENTITY, 0.05)[0][0]
    ed.key("A")
    mid = before[len(before) // 2]
    ed.click(*mid, mods=["alt"])
    assert len(anchors(ed, cid)) == 3
    after = flatten(ed.doc.objects[cid], IDENTITY, 0.05)[0][0]
    from wiretuner_gl.tools._geom import _dist_seg

    for x, y in after:
        assert min(_dist_seg(x, y, *before[i], *before[i + 1])[0] for i in range(len(before) - 1)) < 0.2


def test_dragging_a_shape_anchor_converts_the_shape_to_a_path_in_one_step(ed):
    ed.key("M").drag(100, 100, 200, 200)
    sid = ed.selection[0]
    ed.key("A").drag(200, 200, 250, 260)
    (p,) = ed.paths()
    assert sid not in ed.doc.objects and (250, 260) in [(a.x, a.y) for a in p.subpaths[0].anchors]
    ed.key("Z", "ctrl")
    assert isinstance(ed.doc.objects[sid], Shape) and ed.paths() == []


def test_escape_during_an_anchor_drag_restores_it(ed):
    pid = make_path(ed, (100, 100), (200, 100))
    ed.key("A").pointer_down(200, 100).pointer_move(260, 160).key("Escape").pointer_up(260, 160)
    assert (anchors(ed, pid)[1].x, anchors(ed, pid)[1].y) == (200, 100)
