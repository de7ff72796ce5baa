"""Properties of the selection: position/size/rotation, opacity, fill, stroke (all options),
shape parameters, anchor type. Every edit commits once on release
(`is_item_deactivated_after_edit`); while a widget is active its value lives in an edit buffer."""

from __future__ import annotations

import math
from dataclasses import replace

from imgui_bundle import imgui

from ...events import types as T
from ...model.nodes import EllipseGeom, Group, LineGeom, Path, PolygonGeom, RectGeom, Shape, StarGeom
from ...model.values import BLACK, Color, Stroke, compose, rotate, scale, translate
from ...tools import _geom as G
from ...tools import ops

JOINS = ["miter", "round", "bevel"]
CAPS = ["butt", "round", "square"]
KINDS = ["corner", "smooth", "symmetric"]


def _edit(buffers, key, value, widget):
    """Run widget on the buffered value; return the value to commit when the edit ends, else None."""
    cur = buffers.get(key, value)
    changed, new = widget(cur)
    if imgui.is_item_active():
        buffers[key] = new
    if imgui.is_item_deactivated_after_edit():
        buffers.pop(key, None)
        return new
    if not imgui.is_item_active():
        buffers.pop(key, None)
    return None


def draw(app, buffers) -> None:
    ed = app.editor
    if imgui.begin("Properties"):
        doc = ed.display_doc
        sel = [i for i in ed.selection if i in doc.objects]
        if ed.preview is not None:
            imgui.text_disabled("history preview: read-only")
        elif not sel:
            imgui.text_disabled("nothing selected")
        else:
            _transform(ed, buffers, doc, sel)
            if len(sel) == 1:
                node = doc.objects[sel[0]]
                imgui.push_id(node.id)
                _name(ed, buffers, node)
                if isinstance(node, Group):
                    v = _edit(buffers, "gop", node.opacity, lambda x: imgui.slider_float("group opacity", x, 0.0, 1.0))
                    if v is not None:
                        ed.apply([T.GroupOpacityChanged(node.id, node.opacity, v)])
                else:
                    _style(ed, buffers, node)
                if isinstance(node, Shape):
                    _geom(ed, buffers, node)
                if isinstance(node, Path):
                    _anchors(ed, node)
                imgui.pop_id()
    imgui.end()


def _name(ed, buffers, node) -> None:
    v = _edit(buffers, "name", node.name, lambda x: imgui.input_text("name", x))
    if v is not None and v != node.name:
        ed.apply([T.ObjectRenamed(node.id, node.name, v)])


def _transform(ed, buffers, doc, sel) -> None:
    b = G.selection_bounds(doc, sel)
    if b is None:
        return
    x0, y0, x1, y1 = b
    v = _edit(buffers, "pos", [x0, y0], lambda x: imgui.drag_float2("x, y", x, 1.0))
    if v is not None:
        ed.apply(ops.transform_all(doc, sel, translate(v[0] - x0, v[1] - y0)))
    w, h = x1 - x0, y1 - y0
    v = _edit(buffers, "size", [w, h], lambda x: imgui.drag_float2("w, h", x, 1.0, 0.01, 1e6))
    if v is not None and w > 0 and h > 0 and v[0] > 0 and v[1] > 0:
        m = compose(translate(x0, y0), compose(scale(v[0] / w, v[1] / h), translate(-x0, -y0)))
        ed.apply(ops.transform_all(doc, sel, m))
    if len(sel) == 1:
        t = doc.objects[sel[0]].transform
        ang = math.degrees(math.atan2(t[1], t[0]))
        v = _edit(buffers, "rot", ang, lambda x: imgui.drag_float("rotation", x, 0.5, -360, 360, "%.1f°"))
        if v is not None and v != ang:
            ed.apply(ops.transform_all(doc, sel, rotate(v - ang, (x0 + x1) / 2, (y0 + y1) / 2)))


def _color(c):
    return [c.r, c.g, c.b, c.a] if isinstance(c, Color) else [0.5, 0.5, 0.5, 1.0]


def _style(ed, buffers, node) -> None:
    st = node.style
    restyle = lambda new: ed.apply([T.ObjectRestyled(node.id, st, new)])  # noqa: E731
    v = _edit(buffers, "opacity", st.opacity, lambda x: imgui.slider_float("opacity", x, 0.0, 1.0))
    if v is not None:
        restyle(replace(st, opacity=v))
    imgui.separator_text("Fill")
    changed, on = imgui.checkbox("fill", st.fill is not None)
    if changed:
        restyle(replace(st, fill=Color(0.85, 0.85, 0.85, 1.0) if on else None))
    if st.fill is not None:
        if isinstance(st.fill, Color):
            v = _edit(buffers, "fillc", _color(st.fill), lambda x: imgui.color_edit4("fill colour", x))
            if v is not None:
                restyle(replace(st, fill=Color(*v)))
        else:
            imgui.text_disabled(f"{st.fill.TAG} gradient")
    imgui.separator_text("Stroke")
    s = st.stroke
    changed, on = imgui.checkbox("stroke", s is not None)
    if changed:
        restyle(replace(st, stroke=Stroke(BLACK, 1.0) if on else None))
    if s is None:
        return
    setk = lambda **kw: restyle(replace(st, stroke=replace(s, **kw)))  # noqa: E731
    if isinstance(s.paint, Color):
        v = _edit(buffers, "strokec", _color(s.paint), lambda x: imgui.color_edit4("stroke colour", x))
        if v is not None:
            setk(paint=Color(*v))
    v = _edit(buffers, "sw", s.width, lambda x: imgui.drag_float("width", x, 0.1, 0.0, 1000.0))
    if v is not None:
        setk(width=max(0.0, v))
    changed, j = imgui.combo("join", JOINS.index(s.join), JOINS)
    if changed:
        setk(join=JOINS[j])
    changed, c = imgui.combo("cap", CAPS.index(s.cap), CAPS)
    if changed:
        setk(cap=CAPS[c])
    v = _edit(buffers, "ml", s.miter_limit, lambda x: imgui.drag_float("miter limit", x, 0.1, 1.0, 100.0))
    if v is not None:
        setk(miter_limit=max(1.0, v))
    dash_text = " ".join(f"{d:g}" for d in s.dash)
    v = _edit(buffers, "dash", dash_text, lambda x: imgui.input_text("dash", x))
    if v is not None:
        try:
            dash = tuple(float(p) for p in v.replace(",", " ").split())
        except ValueError:
            ed.report(f"dash: {v!r} is not a list of numbers")
        else:
            if all(d >= 0 for d in dash):
                setk(dash=dash)
    v = _edit(buffers, "dashoff", s.dash_offset, lambda x: imgui.drag_float("dash offset", x, 0.1))
    if v is not None:
        setk(dash_offset=v)


def _geom(ed, buffers, node: Shape) -> None:
    g = node.geom
    imgui.separator_text(g.TAG)
    fields = {
        RectGeom: [("r_tl", "radius TL"), ("r_tr", "radius TR"), ("r_br", "radius BR"), ("r_bl", "radius BL")],
        EllipseGeom: [("rx", "rx"), ("ry", "ry")],
        PolygonGeom: [("sides", "sides"), ("radius", "radius"), ("rotation", "rotation")],
        StarGeom: [("points", "points"), ("outer", "outer"), ("inner", "inner"), ("rotation", "rotation")],
        LineGeom: [("x1", "x1"), ("y1", "y1"), ("x2", "x2"), ("y2", "y2")],
    }[type(g)]
    for f, label in fields:
        cur = getattr(g, f)
        if isinstance(cur, int):
            v = _edit(buffers, f"g.{f}", cur, lambda x, label=label: imgui.drag_int(label, x, 0.2, 3, 100))
        else:
            v = _edit(buffers, f"g.{f}", cur, lambda x, label=label: imgui.drag_float(label, x, 0.5))
        if v is not None and v != cur:
            ed.apply([T.ShapeParametersChanged(node.id, g, replace(g, **{f: type(cur)(v)}))])
    if imgui.button("Convert to path"):
        ev, pid = ops.convert_to_path(ed.doc, node.id, ed.new_id)
        ed.apply(ev)
        ed.selection = (pid,)


def _anchors(ed, node: Path) -> None:
    keys = [k for p, k in ed.anchor_selection if p == node.id]
    if not keys:
        return
    imgui.separator_text(f"{len(keys)} anchor(s)")
    kinds = {a.kind for sp in node.subpaths for a in sp.anchors if a.key in keys}
    cur = KINDS.index(kinds.pop()) if len(kinds) == 1 else 0
    changed, k = imgui.combo("anchor type", cur, KINDS)
    if changed:
        direct = ed.registry.get("direct")
        ed.execute(direct.convert_intents(ed, KINDS[k]))
