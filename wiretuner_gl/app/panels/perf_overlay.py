"""F12 performance overlay: FPS, frame-time graph (implot), CPU ms per window, events, last render."""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui, implot


def draw(app) -> None:
    st = app.stats
    imgui.set_next_window_size(imgui.ImVec2(420, 330), imgui.Cond_.first_use_ever)
    imgui.set_next_window_pos(imgui.ImVec2(200, 60), imgui.Cond_.first_use_ever)
    opened, keep = imgui.begin("Performance (F12)", True)
    if opened:
        imgui.text(f"{st.fps():.1f} FPS   events {app.session.seq}   last render {st.last_render_ms:.2f} ms")
        from ..capture import toggle  # Chrome trace + frames.csv/summary.json/frames.png of the frames between

        cap = getattr(app, "capture", None)
        if imgui.button("Stop capture" if cap is not None and cap.running else "Start capture"):
            app.report(toggle(app))
        frames = np.asarray(st.frame_ms, dtype=np.float64)
        cpu = np.asarray(st.cpu_ms, dtype=np.float64)
        if frames.size and implot.begin_plot("frame time", imgui.ImVec2(-1, 160)):
            implot.setup_axes("frame", "ms")
            implot.setup_axis_limits(implot.ImAxis_.y1, 0, max(34.0, float(frames.max()) * 1.1), implot.Cond_.always)
            xs = np.arange(frames.size, dtype=np.float64)
            implot.plot_line("wall", xs, frames)
            implot.plot_line("cpu", xs, cpu)
            implot.plot_line("16.7 ms", np.array([0.0, max(xs[-1], 1.0)]), np.array([16.7, 16.7]))
            implot.end_plot()
        if imgui.begin_table("windows", 3):
            imgui.table_setup_column("window")
            imgui.table_setup_column("cpu ms")
            imgui.table_setup_column("wall ms")
            imgui.table_headers_row()
            for wid, win in app.windows.items():
                imgui.table_next_row()
                imgui.table_next_column()
                imgui.text(f"{wid} {win.kind}")
                imgui.table_next_column()
                imgui.text(f"{win.cpu_ms:.2f}")
                imgui.table_next_column()
                imgui.text(f"{win.wall_ms:.2f}")
            imgui.end_table()
    imgui.end()
    if not keep:
        app.show_perf = False
