"""SceneRenderer: the document on the GPU, drawn into any framebuffer (offscreen or a window).

    ctx = create_context(standalone=True)        # or create_context(False) in a GLFW window
    r = SceneRenderer(ctx)
    r.sync(doc)                                   # cheap when nothing changed
    r.draw(view, (0, 0, w, h), framebuffer=fbo)   # view: world -> clip, 2x3 or 3x3

`sync` re-tessellates only objects whose value changed (objects are immutable: a new value is a
new object) and uploads only the vertex ranges that changed. `draw` issues one draw call per run
of content between group-opacity layers (so a flat document of 10K paths is one draw call),
renders with 4x MSAA (times `supersample`² when asked), and composites the result over the
framebuffer at `viewport` with premultiplied alpha. Per-window state (VAOs, framebuffers) is
created per context, so one renderer can serve several windows of one share group.
"""

from __future__ import annotations

import math

import moderngl
import numpy as np

from ..model.document import Document
from . import programs
from .context import bound_framebuffer
from .compile import POP, PUSH, VERTEX, VERTEX_FORMAT, SceneCompiler, item_depth

SAMPLES = 4


def as_matrix3(view) -> np.ndarray:
    """A 2x3 (or 6-tuple a b c d e f, or 3x3) affine map as a 3x3 float32 matrix."""
    v = np.asarray(view, dtype=np.float64)
    if v.shape == (6,):
        a, b, c, d, e, f = v
        v = np.array([[a, c, e], [b, d, f]])
    if v.shape == (2, 3):
        v = np.vstack([v, [0.0, 0.0, 1.0]])
    if v.shape != (3, 3):
        raise ValueError(f"view must be 2x3, 3x3 or 6 numbers, got shape {v.shape}")
    return v


def view_scale(view3: np.ndarray, viewport) -> float:
    """Device pixels per world unit (geometric mean of the two axes)."""
    sx = viewport[2] / 2.0
    sy = viewport[3] / 2.0
    det = (view3[0, 0] * sx) * (view3[1, 1] * sy) - (view3[0, 1] * sx) * (view3[1, 0] * sy)
    return math.sqrt(abs(det))


class _Target:
    """An MSAA colour buffer and its resolved texture, for the scene or one layer depth."""

    def __init__(self, ctx, size, samples):
        self.size = size
        self.rb = ctx.renderbuffer(size, 4, samples=samples)
        self.depth = ctx.depth_renderbuffer(size, samples=samples)
        self.fbo = ctx.framebuffer(color_attachments=[self.rb], depth_attachment=self.depth)
        self.tex = ctx.texture(size, 4)
        self.tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.resolved = ctx.framebuffer(color_attachments=[self.tex])

    def release(self):
        for o in (self.fbo, self.rb, self.depth, self.resolved, self.tex):
            o.release()


class SceneRenderer:
    def __init__(self, ctx: moderngl.Context, *, samples: int = SAMPLES):
        self.ctx = ctx
        self.samples = max(0, min(samples, ctx.max_samples))
        self.compiler = SceneCompiler()
        self.prog = programs.program(ctx, "scene")
        self.comp = programs.program(ctx, "composite")
        self.vbo = ctx.buffer(reserve=VERTEX.itemsize * 1024, dynamic=True)
        self._cpu = np.zeros(0, dtype=VERTEX)
        self._vaos: dict[int, moderngl.VertexArray] = {}
        self._quads: dict[int, moderngl.VertexArray] = {}
        self._quad_vbo = ctx.buffer(np.array([0, 0, 1, 0, 0, 1, 1, 1], dtype="f4").tobytes())
        self._targets: dict[tuple, _Target] = {}
        self._params_tex = None
        self._ramps_tex = None
        self._paint_version = -1
        self._doc: Document | None = None
        self._scale: float | None = None
        self._entries: list = []
        self._slots: list[tuple[int, int]] = []
        self._ranges: dict[str, tuple[int, int]] = {}
        self._ops: dict = {}
        self.draw_calls = 0  # draw calls issued by the last draw()
        self.uploaded_bytes = 0  # bytes written to the vertex buffer by the last sync
        self.fixed_scale: float | None = None  # set to pin the tessellation scale (offscreen renders)

    # ------------------------------------------------------------------ sync
    def sync(self, doc: Document, scale: float | None = None) -> None:
        """Bring GPU buffers up to date with `doc` at `scale` device pixels per unit.

        With scale=None the last scale is kept (1.0 at first); `draw` adjusts it to the
        view's zoom, in powers of two, so zooming does not re-tessellate every frame.
        """
        if scale is None:
            scale = self._scale or 1.0
        if doc is self._doc and scale == self._scale:
            self.uploaded_bytes = 0
            return
        self.uploaded_bytes = 0
        upd = self.compiler.update(self._doc, doc, scale, self._entries) if scale == self._scale else None
        if upd is not None:
            entries, touched = upd
            ranges = self._ranges
        else:
            entries, ranges = self.compiler.compile(doc, scale)
            self.compiler.prune(doc)
            touched = None
        self._doc, self._scale = doc, scale
        if not self._update_in_place(entries, touched):
            self._relayout(entries)
        self._entries = entries
        self._ranges = ranges
        self._upload_paints()

    def _same_shape(self, entries) -> bool:
        old = self._entries
        if len(old) != len(entries):
            return False
        for (k0, *_), (k1, *_) in zip(old, entries):
            if k0 != k1:
                return False
        return True

    def _update_in_place(self, entries, touched=None) -> bool:
        """Write changed items into their slots; False when the layout must be redone."""
        if touched is None:
            if not self._same_shape(entries):
                return False
            touched = range(len(entries))
        writes = []
        for i in touched:
            old, new = self._entries[i], entries[i]
            if old[0] in (PUSH, POP):
                if old != new:
                    return False
                continue
            if old[1] is new[1]:
                continue
            off, cap = self._slots[i]
            if len(new[1]) > cap:
                return False
            writes.append((i, off, cap, new[1]))
        for i, off, cap, v in writes:
            self._cpu[off : off + len(v)] = v
            self._cpu[off + len(v) : off + cap] = np.zeros(1, dtype=VERTEX)
            self._cpu["z"][off : off + cap] = item_depth(i)
            data = self._cpu[off : off + cap]
            self.vbo.write(data.tobytes(), offset=off * VERTEX.itemsize)
            self.uploaded_bytes += data.nbytes
        return True

    def _relayout(self, entries) -> None:
        slots = []
        off = 0
        for e in entries:
            if e[0] in (PUSH, POP):
                slots.append((off, 0))
                continue
            n = len(e[1])
            cap = n + 3 * (n // 24)  # slack (whole triangles) so small edits stay in place
            slots.append((off, cap))
            off += cap
        cpu = np.zeros(off, dtype=VERTEX)
        for k, (e, (o, cap)) in enumerate(zip(entries, slots)):
            if e[0] not in (PUSH, POP) and len(e[1]):
                cpu[o : o + len(e[1])] = e[1]
                cpu["z"][o : o + cap] = item_depth(k)
        nbytes = max(cpu.nbytes, VERTEX.itemsize)
        if nbytes > self.vbo.size:
            self.vbo.orphan(max(nbytes, self.vbo.size * 2))
        if cpu.nbytes:
            self.vbo.write(cpu.tobytes())
        self.uploaded_bytes += cpu.nbytes
        self._cpu = cpu
        self._slots = slots
        self._ops = {}

    def _upload_paints(self) -> None:
        table = self.compiler.paints
        if table.version == self._paint_version and self._params_tex is not None:
            return
        par, rmp = table.arrays()
        n = par.shape[0]
        for t in (self._params_tex, self._ramps_tex):
            if t is not None:
                t.release()
        self._params_tex = self.ctx.texture((3, n), 4, par.tobytes(), dtype="f4")
        self._params_tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self._ramps_tex = self.ctx.texture((256, n), 4, rmp.tobytes())
        self._ramps_tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self._ramps_tex.repeat_x = False
        self._ramps_tex.repeat_y = False
        self._rows = n
        self._paint_version = table.version

    # ------------------------------------------------------------------ draw lists
    def ops(self, artboard: str | None = None) -> list:
        """("draw", first, count) / ("push", opacity) / ("pop",): contiguous content merged."""
        key = artboard
        if key in self._ops:
            return self._ops[key]
        if artboard is None:
            lo, hi = 0, len(self._entries)
        else:
            if artboard not in self._ranges:
                raise KeyError(f"no artboard {artboard!r} in the synced document")
            lo, hi = self._ranges[artboard]
        ops: list = []
        run = None
        for i in range(lo, hi):
            e = self._entries[i]
            if e[0] in (PUSH, POP):
                if run:
                    ops.append(("draw", run[0], run[1] - run[0]))
                    run = None
                ops.append(e)
                continue
            off, cap = self._slots[i]
            if cap == 0:
                continue
            if run is None:
                run = [off, off + cap]
            else:
                run[1] = off + cap
        if run:
            ops.append(("draw", run[0], run[1] - run[0]))
        self._ops[key] = ops
        return ops

    # ------------------------------------------------------------------ draw
    def _vao(self):
        k = id(self.ctx)
        vao = self._vaos.get(k)
        if vao is None:
            vao = self._vaos[k] = self.ctx.vertex_array(
                self.prog, [(self.vbo, VERTEX_FORMAT, "in_pos", "in_uv", "in_color", "in_paint", "in_z")]
            )
        return vao

    def _quad(self):
        k = id(self.ctx)
        q = self._quads.get(k)
        if q is None:
            q = self._quads[k] = self.ctx.vertex_array(self.comp, [(self._quad_vbo, "2f", "in_corner")])
        return q

    def _target(self, depth, size) -> _Target:
        t = self._targets.get(depth)
        if t is None or t.size != size:
            if t is not None:
                t.release()
            t = self._targets[depth] = _Target(self.ctx, size, self.samples)
        return t

    def draw(
        self,
        view,
        viewport: tuple[int, int, int, int],
        framebuffer: moderngl.Framebuffer | None = None,
        artboard: str | None = None,
        *,
        supersample: int = 1,
    ) -> None:
        """Draw the synced document through `view` (world -> clip) into `viewport` of `framebuffer`
        (default: the framebuffer bound now, e.g. a window's), composited over what is there.
        The framebuffer bound before the call is bound again after it."""
        if self._doc is None:
            raise RuntimeError("SceneRenderer.draw before sync(doc)")
        ctx = self.ctx
        v3 = as_matrix3(view)
        x, y, w, h = (int(c) for c in viewport)
        if w <= 0 or h <= 0:
            return
        scale = self.fixed_scale
        if scale is None:
            # tessellate for a power-of-two zoom at or above the view's: zooming in past it
            # re-tessellates finer; zooming out keeps the finer mesh until 8x coarser would do,
            # so windows at nearby zooms sharing one renderer do not re-tessellate in turn
            s = view_scale(v3, (x, y, w, h))
            level = 2.0 ** math.ceil(math.log2(max(s, 1e-9)))
            cur = self._scale
            scale = cur if cur is not None and level <= cur < 8 * level else level
        if scale != self._scale:
            self.sync(self._doc, scale)
        previous = bound_framebuffer(ctx)
        target_fb = framebuffer if framebuffer is not None else previous
        ss = max(1, int(supersample))
        size = (w * ss, h * ss)
        calls = 0
        ctx.disable(moderngl.CULL_FACE)
        # each item carries its own depth, increasing in paint order; with GREATER a sample takes
        # an item once, so overlapping parts of a translucent stroke never blend twice
        ctx.enable(moderngl.BLEND | moderngl.DEPTH_TEST)
        ctx.depth_func = ">"
        ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        ctx.blend_equation = moderngl.FUNC_ADD
        stack = [self._target(0, size)]
        stack[0].fbo.use()
        ctx.viewport = (0, 0) + size
        stack[0].fbo.clear(0.0, 0.0, 0.0, 0.0, depth=0.0)
        self.prog["u_view"].write(v3.T.astype("f4").tobytes())
        self._params_tex.use(0)
        self._ramps_tex.use(1)
        self.prog["u_params"] = 0
        self.prog["u_ramps"] = 1
        self.prog["u_rows"] = float(self._rows)
        vao = self._vao()
        quad = self._quad()
        full = (-1.0, -1.0, 1.0, 1.0)
        opacities = []
        for op in self.ops(artboard):
            if op[0] == "draw":
                vao.render(moderngl.TRIANGLES, vertices=op[2], first=op[1])
                calls += 1
            elif op[0] == PUSH:
                t = self._target(len(stack), size)
                stack.append(t)
                opacities.append(op[1])
                t.fbo.use()
                t.fbo.clear(0.0, 0.0, 0.0, 0.0, depth=0.0)
            else:
                t = stack.pop()
                ctx.copy_framebuffer(t.resolved, t.fbo)
                stack[-1].fbo.use()
                ctx.viewport = (0, 0) + size
                ctx.disable(moderngl.DEPTH_TEST)
                t.tex.use(2)
                self.comp["u_layer"] = 2
                self.comp["u_opacity"] = opacities.pop()
                self.comp["u_rect"] = full
                quad.render(moderngl.TRIANGLE_STRIP)
                self._params_tex.use(0)
                self._ramps_tex.use(1)
                ctx.enable(moderngl.DEPTH_TEST)
                calls += 1
        base = stack[0]
        ctx.disable(moderngl.DEPTH_TEST)
        ctx.copy_framebuffer(base.resolved, base.fbo)
        target_fb.use()
        ctx.viewport = (x, y, w, h)
        base.tex.use(2)
        self.comp["u_layer"] = 2
        self.comp["u_opacity"] = 1.0
        self.comp["u_rect"] = full
        quad.render(moderngl.TRIANGLE_STRIP)
        if previous is not target_fb:
            previous.use()  # leave the caller's binding as it was
        self.draw_calls = calls

    def release(self) -> None:
        for t in self._targets.values():
            t.release()
        for v in list(self._vaos.values()) + list(self._quads.values()):
            v.release()
        for o in (self.vbo, self._quad_vbo, self._params_tex, self._ramps_tex):
            if o is not None:
                o.release()
        self._targets.clear()
        self._vaos.clear()
        self._quads.clear()
