"""Plugins panel: every plugin found, its state (a broken one with its error and where it came
from), its settings and commands; then the panels plugins registered, each in its own window."""

from __future__ import annotations

from imgui_bundle import imgui

STATE_COLOURS = {"enabled": (0.45, 0.8, 0.45, 1.0), "broken": (0.95, 0.4, 0.35, 1.0),
                 "incompatible": (0.95, 0.7, 0.3, 1.0), "duplicate": (0.7, 0.7, 0.7, 1.0)}


def draw(app) -> None:
    host = getattr(app, "plugins", None)
    if host is None:
        return
    if imgui.begin("Plugins"):
        for key, rec in list(host.plugins.items()):
            imgui.push_id(f"plugin:{key}")
            imgui.text_colored(imgui.ImVec4(*STATE_COLOURS.get(rec.state, (1, 1, 1, 1))), f"{rec.state:<12}")
            imgui.same_line()
            imgui.text(f"{rec.name} ({rec.id})")
            if imgui.is_item_hovered():
                imgui.set_tooltip(f"{rec.source}\nplugin API {rec.api_version}")
            if rec.error:
                imgui.push_text_wrap_pos(0.0)
                imgui.text_disabled(rec.error)
                imgui.pop_text_wrap_pos()
            if rec.overruns:
                o = max(rec.overruns, key=lambda x: x.ms)
                imgui.text_disabled(f"over budget {len(rec.overruns)}x (worst {o.handler} {o.ms:.1f} ms)")
            if rec.enabled and rec.api is not None and rec.id != "builtin":
                _settings(app, rec.api.contributes.settings)
                for c in rec.api.contributes.commands:
                    if imgui.button(c.label) and app.editor.preview is None:
                        host.run_command(c)
            imgui.separator()
            imgui.pop_id()
    imgui.end()
    for p in host.panels():
        imgui.push_id(f"plugin-panel:{p.plugin}:{p.title}")
        if imgui.begin(f"{p.title}##{p.plugin}"):
            p.draw(host.context(p.plugin))
        imgui.end()
        imgui.pop_id()


def _settings(app, settings) -> None:
    extra = app.editor.settings.extra
    for s in settings:
        cur = s.get(app.editor)
        imgui.set_next_item_width(-1)
        if isinstance(s.default, bool):
            changed, val = imgui.checkbox(s.label, cur)
        elif isinstance(s.default, int):
            changed, val = imgui.drag_int(f"##{s.key}", cur, 0.2, int(s.min if s.min is not None else 0),
                                          int(s.max if s.max is not None else 0), f"{s.label} %d")
        elif isinstance(s.default, float):
            changed, val = imgui.drag_float(f"##{s.key}", cur, 0.05, float(s.min if s.min is not None else 0.0),
                                            float(s.max if s.max is not None else 0.0), f"{s.label} %.2f")
        else:
            continue
        if changed:
            extra[s.qualified] = val
