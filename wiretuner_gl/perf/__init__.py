"""Frame-time capture output: Chrome trace events, per-frame CSV, summary statistics, the plot,
and comparison of two captures. No GL or window code here (the recorder that instruments the
running editor is wiretuner_gl.app.capture)."""
