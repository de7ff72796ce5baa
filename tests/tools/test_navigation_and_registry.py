from dataclasses import dataclass

import pytest

from wiretuner_gl.events.types import ObjectCreated
from wiretuner_gl.model.nodes import LineGeom, Shape
from wiretuner_gl.tools import Tool, ToolRegistry, default_registry
from wiretuner_gl.tools.api import Apply, PointerDown, Select
from wiretuner_gl.tools.testing import TestEditor
from wiretuner_gl.tools.view import View


def test_hand_tool_pans_by_the_drag(ed):
    ed.key("H").drag(100, 100, 150, 80)
    assert (ed.view.pan_x, ed.view.pan_y) == (50, -20)


def test_space_drag_pans_temporarily_and_returns_to_the_tool(ed):
    ed.key("P")
    ed.key_down("Space")
    assert ed.tool_name == "hand"
    ed.drag(0, 0, 30, 40)
    ed.key_up("Space")
    assert ed.tool_name == "pen" and (ed.view.pan_x, ed.view.pan_y) == (30, 40)
    assert ed.paths() == []  # the pan drew nothing


def test_middle_button_drag_pans_with_any_tool(ed):
    ed.key("M").pointer_down(10, 10, button=2).pointer_move(60, 10).pointer_up(60, 10, button=2)
    assert ed.view.pan_x == 50 and ed.tool_name == "rectangle" and ed.shapes() == []


def test_wheel_zooms_keeping_the_point_under_the_cursor(ed):
    before = ed.view.to_doc(300, 200)
    ed.wheel_at(300, 200, 3)
    assert ed.view.zoom == pytest.approx(1.1**3)
    assert ed.view.to_doc(300, 200) == pytest.approx(before)


def test_ctrl_plus_minus_fit_and_100_percent(ed):
    ed.key("=", "ctrl")
    assert ed.view.zoom == pytest.approx(1.25)
    ed.key("-", "ctrl").key("-", "ctrl")
    assert ed.view.zoom == pytest.approx(0.8)
    ed.key("0", "ctrl")  # fit the 800x600 artboard into 1280x800 with a 24 px margin
    assert ed.view.zoom == pytest.approx((800 - 48) / 600)
    x, y = ed.view.to_doc(640, 400)
    assert (x, y) == pytest.approx((400, 300))
    ed.key("1", "ctrl")
    assert ed.view.zoom == 1.0


def test_zoom_tool_click_zooms_in_alt_click_out_drag_zooms_to_box(ed):
    ed.key("Z").click(100, 100)
    assert ed.view.zoom == 2.0
    ed.click(100, 100, mods=["alt"])
    assert ed.view.zoom == 1.0
    ed.drag(0, 0, 320, 200)
    assert ed.view.zoom == pytest.approx(4.0)


def test_tools_work_through_a_zoomed_view(ed):
    ed.view = View(1280, 800, 2.0, 100.0, 50.0)
    ed.key("M").drag(300, 250, 500, 450)  # screen pixels
    g = ed.shapes()[0].geom
    assert (g.x, g.y, g.width, g.height) == (100, 100, 100, 100)


def test_each_window_has_its_own_view(ed):
    ed.in_window(1, size=(400, 300)).key("0", "ctrl")
    assert ed.views[1].zoom != ed.views[0].zoom
    ed.key("M").drag(50, 50, 100, 100)
    assert ed.shapes()[0].geom.width == pytest.approx(50 / ed.views[1].zoom)


def test_registered_tool_works_and_unregister_removes_it(ed):
    @dataclass(frozen=True)
    class Dot:
        pass

    class StampTool(Tool):
        NAME = "stamp"
        SHORTCUT = "K"

        def transition(self, state, msg, ctx):
            if isinstance(msg, PointerDown):
                layer = ctx.active_layer(msg.x, msg.y)
                s = Shape(ctx.new_id("shape"), layer, ctx.next_order(layer), LineGeom(msg.x, msg.y, msg.x + 5, msg.y))
                return state, [Apply((ObjectCreated(s),)), Select((s.id,))]
            return state, []

    unregister = ed.registry.register(StampTool)
    ed.key("K").click(20, 30)
    assert ed.shapes()[0].geom == LineGeom(20, 30, 25, 30)
    unregister()
    assert "stamp" not in ed.registry and ed.tool_name == "select"
    with pytest.raises(ValueError):
        ed.registry.register(default_registry().get("select").__class__)


def test_builtin_registry_has_every_tool_with_its_shortcut():
    reg = default_registry()
    assert {n: reg.get(n).SHORTCUT for n in reg.names()} == {
        "select": "V", "direct": "A", "pen": "P", "rectangle": "M", "ellipse": "L", "polygon": None,
        "star": None, "line": "\\", "hand": "H", "zoom": "Z",
    }


def test_undo_redo_keys_only_undo_this_users_steps(tmp_path):
    p = tmp_path / "u.wiretuner"
    ed = TestEditor.new(p)
    ed.key("M").drag(0, 0, 50, 50)
    ed.key("L").drag(100, 100, 150, 150)
    ed.key("Z", "ctrl")
    assert len(ed.shapes()) == 1
    ed.key("Y", "ctrl")
    assert len(ed.shapes()) == 2
    ed.close()


def test_a_refused_edit_is_reported_not_raised(tmp_path):
    p = tmp_path / "ro.wiretuner"
    TestEditor.new(p).close()
    from wiretuner_gl.store.session import DocumentSession

    ed = TestEditor(DocumentSession.open(p, read_only=True))
    ed.key("M").drag(0, 0, 50, 50)
    assert ed.shapes() == [] and "read-only" in ed.messages[-1]
    ed.close()


def test_history_preview_blocks_editing_but_allows_panning(ed):
    ed.key("M").drag(0, 0, 50, 50)
    ed.preview = ed.session.committed
    ed.key("L").drag(100, 100, 200, 200)
    assert len(ed.shapes()) == 1 and ed.tool_name == "rectangle"
    assert ed.view.pan_x == 100


def test_restore_events_bring_back_a_past_state_as_one_step(ed):
    from wiretuner_gl.tools.restore import events_to_restore

    ed.key("M").drag(0, 0, 100, 100)
    ed.key("L").drag(200, 200, 300, 260)
    past = ed.session.committed
    ed.key("V").key("A", "ctrl").key("G", "ctrl").key("Right", "shift")
    ed.key("A").drag(300, 260, 350, 300)  # converts the ellipse into a path
    ed.key("P").click(500, 500).click(600, 500).key("Enter")
    assert ed.doc.state_hash() != past.state_hash()
    ed.apply(events_to_restore(ed.session.committed, past))
    assert ed.doc.state_hash() == past.state_hash()
    ed.key("Z", "ctrl")
    assert ed.doc.state_hash() != past.state_hash() and ed.paths()
