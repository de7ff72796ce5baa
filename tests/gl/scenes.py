"""Reference scenes built from the model: every shape kind, both fill rules, self-intersecting
paths, every join/cap/dash case, gradients, opacity stacks, transforms, hairlines, tiny and huge
coordinates. Each is rendered by our renderer and, through our SVG export, by resvg."""

from __future__ import annotations

import math

from wiretuner_gl.events.reducer import reduce_all
from wiretuner_gl.events.types import ArtboardCreated, LayerCreated, ObjectCreated
from wiretuner_gl.model import (
    Anchor,
    Artboard,
    Color,
    Document,
    EllipseGeom,
    GradientStop,
    Group,
    Layer,
    LinearGradient,
    LineGeom,
    Path,
    PolygonGeom,
    RadialGradient,
    RectGeom,
    Shape,
    StarGeom,
    Stroke,
    Style,
    Subpath,
    keys_between,
)
from wiretuner_gl.model.values import compose, rotate, scale, translate

SIZE = 160
RED = Color(0.86, 0.1, 0.12)
BLUE = Color(0.1, 0.3, 0.9)
GREEN = Color(0.1, 0.65, 0.25)
BLACK = Color(0, 0, 0)
ORANGE = Color(1.0, 0.6, 0.0)


class B:
    """A small builder: objects go into one layer (or a group) of one artboard."""

    def __init__(self, x=0.0, y=0.0, w=SIZE, h=SIZE, background=None):
        self.events = [ArtboardCreated(Artboard("artboard:t.1", "A", x, y, w, h, "a0", background))]
        self.layers = 0
        self.n = 0
        self.layer()

    def layer(self, visible=True):
        self.layers += 1
        self.current = f"layer:t.{self.layers}"
        self.events.append(LayerCreated(Layer(self.current, "artboard:t.1", "L", f"a{self.layers}", visible)))
        return self.current

    def _order(self):
        self.n += 1
        return f"a{self.n:04d}"

    def shape(self, geom, style, transform=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), parent=None, visible=True):
        oid = f"shape:t.{self.n + 1}"
        self.events.append(ObjectCreated(Shape(oid, parent or self.current, self._order(), geom, style=style, transform=transform, visible=visible)))
        return oid

    def path(self, subpaths, style, fill_rule="nonzero", transform=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), parent=None):
        """subpaths: [(points, closed)], a point is (x, y) or (x, y, in_dx, in_dy, out_dx, out_dy)."""
        subs = []
        for pts, closed in subpaths:
            keys = keys_between(None, None, len(pts))
            anchors = []
            for k, p in zip(keys, pts):
                p = tuple(p) + (0.0,) * (6 - len(p))
                anchors.append(Anchor(k, *p))
            subs.append(Subpath(tuple(anchors), closed))
        oid = f"path:t.{self.n + 1}"
        self.events.append(
            ObjectCreated(Path(oid, parent or self.current, self._order(), tuple(subs), fill_rule=fill_rule, style=style, transform=transform))
        )
        return oid

    def group(self, opacity=1.0, transform=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), parent=None):
        oid = f"group:t.{self.n + 1}"
        self.events.append(ObjectCreated(Group(oid, parent or self.current, self._order(), opacity=opacity, transform=transform)))
        return oid

    def doc(self) -> Document:
        return reduce_all(Document(), self.events)


def fill(c, a=1.0):
    return Style(fill=Color(c.r, c.g, c.b, a), stroke=None)


def stroke(c, w, join="miter", cap="butt", dash=(), offset=0.0, miter=4.0, a=1.0, fill_paint=None, opacity=1.0):
    return Style(fill=fill_paint, stroke=Stroke(Color(c.r, c.g, c.b, a), w, join, miter, cap, tuple(dash), offset), opacity=opacity)


def star_points(cx, cy, r, n=5, step=2):
    return [(cx + r * math.sin(2 * math.pi * k * step / n), cy - r * math.cos(2 * math.pi * k * step / n)) for k in range(n)]


ZIGZAG = [(20, 120), (55, 40), (85, 120), (115, 40), (140, 120)]
STOPS = (GradientStop(0.0, RED), GradientStop(0.5, Color(1, 0.9, 0.1)), GradientStop(1.0, BLUE))

SCENES = {}


def scene(fn):
    SCENES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- shapes
@scene
def rect_plain():
    b = B()
    b.shape(RectGeom(20, 30, 120, 90), fill(RED))
    return b.doc()


@scene
def rect_rounded():
    b = B()
    b.shape(RectGeom(20, 20, 120, 110, 25, 25, 25, 25), fill(BLUE))
    return b.doc()


@scene
def rect_mixed_corner_radii():
    b = B()
    b.shape(RectGeom(15, 25, 130, 100, 0, 40, 10, 55), fill(GREEN))
    return b.doc()


@scene
def ellipse_fill_and_stroke():
    b = B()
    b.shape(EllipseGeom(80, 80, 65, 40), Style(fill=ORANGE, stroke=Stroke(BLACK, 6)))
    return b.doc()


@scene
def circle_small_many():
    b = B()
    for i in range(6):
        for j in range(6):
            b.shape(EllipseGeom(15 + i * 26, 15 + j * 26, 3 + i + j * 0.5, 3 + i + j * 0.5), fill(BLUE if (i + j) % 2 else RED))
    return b.doc()


@scene
def polygon_hexagon():
    b = B()
    b.shape(PolygonGeom(80, 80, 65, 6), Style(fill=GREEN, stroke=Stroke(BLACK, 4, "round")))
    return b.doc()


@scene
def polygon_triangle_rotated():
    b = B()
    b.shape(PolygonGeom(80, 85, 70, 3, rotation=17), fill(RED))
    return b.doc()


@scene
def star_five():
    b = B()
    b.shape(StarGeom(80, 82, 72, 30, 5), fill(ORANGE))
    return b.doc()


@scene
def star_many_points_stroked():
    b = B()
    b.shape(StarGeom(80, 80, 70, 50, 16), Style(fill=BLUE, stroke=Stroke(RED, 3, "miter", 10)))
    return b.doc()


@scene
def line_shape_round_caps():
    b = B()
    b.shape(LineGeom(20, 30, 140, 130), stroke(BLACK, 12, cap="round"))
    b.shape(LineGeom(20, 130, 140, 30), stroke(RED, 8, cap="square"))
    return b.doc()


# ---------------------------------------------------------------- fill rules
@scene
def pentagram_nonzero():
    b = B()
    b.path([(star_points(80, 85, 72), True)], fill(RED), "nonzero")
    return b.doc()


@scene
def pentagram_evenodd():
    b = B()
    b.path([(star_points(80, 85, 72), True)], fill(RED), "evenodd")
    return b.doc()


@scene
def heptagram_evenodd():
    b = B()
    b.path([(star_points(80, 80, 72, 7, 3), True)], fill(BLUE), "evenodd")
    return b.doc()


def _donut(b, rule, reverse):
    outer = [(10, 10), (150, 10), (150, 150), (10, 150)]
    inner = [(50, 50), (110, 50), (110, 110), (50, 110)]
    if reverse:
        inner = inner[::-1]
    b.path([(outer, True), (inner, True)], fill(GREEN), rule)


@scene
def donut_same_direction_nonzero():
    b = B()
    _donut(b, "nonzero", False)
    return b.doc()


@scene
def donut_opposite_direction_nonzero():
    b = B()
    _donut(b, "nonzero", True)
    return b.doc()


@scene
def donut_evenodd():
    b = B()
    _donut(b, "evenodd", False)
    return b.doc()


@scene
def overlapping_subpaths_evenodd():
    b = B()
    subs = [([(10 + 25 * i, 20 + 15 * i), (90 + 15 * i, 20 + 15 * i), (90 + 15 * i, 90 + 10 * i), (10 + 25 * i, 90 + 10 * i)], True) for i in range(4)]
    b.path(subs, fill(BLUE), "evenodd")
    return b.doc()


@scene
def self_intersecting_bowtie_translucent():
    b = B()
    b.path([([(20, 20), (140, 140), (140, 20), (20, 140)], True)], fill(RED, 0.6), "nonzero")
    return b.doc()


@scene
def open_path_fill_is_closed():
    b = B()
    b.path([([(20, 140), (80, 15), (140, 140), (80, 90)], False)], fill(GREEN))
    return b.doc()


@scene
def cubic_loop_self_intersecting():
    b = B()
    b.path([([(20, 120, 0, 0, 200, -160), (140, 120, -200, -160, 0, 0)], True)], Style(fill=ORANGE, stroke=Stroke(BLACK, 2)), "evenodd")
    return b.doc()


@scene
def curves_s_shape_with_cusp():
    b = B()
    pts = [(15, 80, 0, 0, 30, -90), (80, 80, -30, 90, 30, 0), (145, 80, 40, 90, 0, 0)]
    b.path([(pts, True)], Style(fill=BLUE, stroke=Stroke(RED, 3, "round")))
    return b.doc()


# ---------------------------------------------------------------- strokes: joins and caps
def _joins_caps(join, cap):
    b = B()
    b.path([(ZIGZAG, False)], stroke(BLUE, 14, join=join, cap=cap))
    return b.doc()


for _j in ("miter", "round", "bevel"):
    for _c in ("butt", "round", "square"):
        SCENES[f"stroke_join_{_j}_cap_{_c}"] = (lambda j=_j, c=_c: _joins_caps(j, c))


@scene
def stroke_miter_limit_cuts_sharp_angle():
    b = B()
    b.path([([(20, 140), (50, 20), (80, 140)], False)], stroke(BLACK, 10, miter=2.0))
    b.path([([(90, 140), (115, 30), (140, 140)], False)], stroke(RED, 8, miter=10.0))
    return b.doc()


@scene
def stroke_closed_polygon_miter():
    b = B()
    b.path([([(30, 30), (130, 40), (110, 130), (40, 110)], True)], stroke(GREEN, 12))
    return b.doc()


@scene
def stroke_closed_curve_round():
    b = B()
    b.shape(EllipseGeom(80, 80, 60, 35), stroke(RED, 10, join="round"))
    return b.doc()


@scene
def stroke_wide_on_tight_curve():
    b = B()
    pts = [(30, 120, 0, 0, 0, -120), (130, 120, 0, -120, 0, 0)]
    b.path([(pts, False)], stroke(BLUE, 26, join="round", cap="round"))
    return b.doc()


@scene
def stroke_zero_length_segments():
    b = B()
    b.path([([(30, 40), (30, 40), (130, 40), (130, 40)], False)], stroke(BLACK, 10, cap="round"))
    b.path([([(80, 110), (80, 110)], False)], stroke(RED, 20, cap="round"))
    b.path([([(40, 110), (40, 110)], False)], stroke(BLUE, 20, cap="square"))
    return b.doc()


@scene
def stroke_reversal_round_join():
    b = B()
    b.path([([(20, 80), (140, 80), (40, 80)], False)], stroke(GREEN, 16, join="round"))
    return b.doc()


@scene
def stroke_translucent_self_overlap_no_double_blend():
    b = B()
    pts = [(20, 20), (140, 140), (140, 20), (20, 140)]
    b.path([(pts, True)], stroke(BLUE, 18, join="round", a=0.5))
    return b.doc()


@scene
def stroke_translucent_curve_overlap():
    b = B()
    pts = [(20, 120, 0, 0, 200, -160), (140, 120, -200, -160, 0, 0)]
    b.path([(pts, False)], stroke(RED, 20, cap="round", a=0.45))
    return b.doc()


@scene
def stroke_translucent_over_fill():
    b = B()
    b.shape(RectGeom(30, 30, 100, 100), Style(fill=ORANGE, stroke=Stroke(Color(0, 0, 0.5, 0.5), 20, "bevel")))
    return b.doc()


# ---------------------------------------------------------------- dashes
@scene
def dash_simple():
    b = B()
    b.path([([(15, 40), (145, 40)], False)], stroke(BLACK, 8, dash=(20, 10)))
    b.path([([(15, 80), (145, 80)], False)], stroke(RED, 8, dash=(20, 10), offset=15))
    b.path([([(15, 120), (145, 120)], False)], stroke(BLUE, 8, dash=(5, 10, 25)))
    return b.doc()


@scene
def dash_round_caps_dots():
    b = B()
    b.path([([(20, 50), (140, 50)], False)], stroke(BLACK, 10, cap="round", dash=(0, 20)))
    b.path([([(20, 110), (140, 110)], False)], stroke(GREEN, 10, cap="square", dash=(12, 14)))
    return b.doc()


@scene
def dash_closed_rect_joins_over_start():
    b = B()
    b.shape(RectGeom(25, 25, 110, 110), stroke(BLUE, 8, join="round", dash=(30, 12), offset=10))
    return b.doc()


@scene
def dash_on_curve():
    b = B()
    b.shape(EllipseGeom(80, 80, 60, 50), stroke(RED, 6, cap="round", dash=(15, 9), offset=-4))
    return b.doc()


@scene
def dash_zigzag_miter():
    b = B()
    b.path([(ZIGZAG, False)], stroke(GREEN, 7, dash=(40, 8)))
    return b.doc()


# ---------------------------------------------------------------- hairlines and thin strokes
@scene
def hairlines_sub_pixel():
    b = B()
    for i, w in enumerate((1.0, 0.6, 0.35, 0.2)):
        y = 25 + i * 35
        b.path([([(10, y), (150, y + 20)], False)], stroke(BLACK, w))
    return b.doc()


@scene
def hairline_grid():
    b = B()
    for i in range(9):
        b.path([([(10 + i * 17.5, 10), (10 + i * 17.5, 150)], False)], stroke(BLACK, 0.5))
        b.path([([(10, 10 + i * 17.5), (150, 10 + i * 17.5)], False)], stroke(BLACK, 0.5))
    return b.doc()


# ---------------------------------------------------------------- gradients
def _lin(spread="pad", units="userSpaceOnUse", transform=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), stops=STOPS, x=(50, 0, 110, 0)):
    return LinearGradient(x[0], x[1], x[2], x[3], stops, spread, units, transform)


def _rad(spread="pad", units="userSpaceOnUse", transform=(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), c=(80, 80, 35), f=None, stops=STOPS):
    fx, fy = f if f else c[:2]
    return RadialGradient(c[0], c[1], c[2], fx, fy, stops, spread, units, transform)


for _s in ("pad", "reflect", "repeat"):
    SCENES[f"gradient_linear_{_s}"] = (lambda s=_s: _grad_scene(_lin(s)))
    # radii large enough that repeat/reflect seams (hard colour steps, which a supersampling
    # renderer and resvg's per-pixel sampling anti-alias differently) stay a small share of pixels
    SCENES[f"gradient_radial_{_s}"] = (lambda s=_s: _grad_scene(_rad(s, c=(80, 80, 50))))


def _grad_scene(paint, geom=None):
    b = B()
    b.shape(geom or RectGeom(10, 10, 140, 140), Style(fill=paint))
    return b.doc()


@scene
def gradient_radial_focal():
    return _grad_scene(_rad(c=(80, 80, 65), f=(50, 60)))


@scene
def gradient_linear_transformed():
    return _grad_scene(_lin("reflect", transform=rotate(35, 80, 80), x=(60, 0, 95, 0)))


@scene
def gradient_radial_transformed_elliptic():
    return _grad_scene(_rad("repeat", transform=compose(translate(80, 80), compose(rotate(30), compose(scale(1.0, 0.5), translate(-80, -80)))), c=(80, 80, 60)))


@scene
def gradient_object_bounding_box_linear():
    return _grad_scene(_lin(units="objectBoundingBox", x=(0, 0, 1, 1)), EllipseGeom(80, 80, 70, 45))


@scene
def gradient_object_bounding_box_radial():
    return _grad_scene(_rad(units="objectBoundingBox", c=(0.5, 0.5, 0.5), f=(0.3, 0.3)), RectGeom(10, 40, 140, 80))


@scene
def gradient_translucent_stops():
    st = (GradientStop(0, Color(0, 0, 1, 1)), GradientStop(1, Color(1, 0, 0, 0.1)))
    b = B()
    b.shape(RectGeom(20, 20, 60, 120), fill(GREEN))
    b.shape(RectGeom(10, 10, 140, 140), Style(fill=_lin(stops=st, x=(10, 0, 150, 0))))
    return b.doc()


@scene
def gradient_hard_stops():
    st = (GradientStop(0, RED), GradientStop(0.5, RED), GradientStop(0.5, BLUE), GradientStop(1, BLUE))
    return _grad_scene(_lin("repeat", stops=st, x=(10, 0, 50, 0)))


@scene
def gradient_on_stroke():
    b = B()
    b.shape(EllipseGeom(80, 80, 55, 55), Style(fill=None, stroke=Stroke(_lin(x=(25, 0, 135, 0)), 16)))
    return b.doc()


# ---------------------------------------------------------------- opacity
@scene
def opacity_object_fill_and_stroke_as_group():
    b = B()
    b.shape(RectGeom(10, 60, 140, 40), fill(BLACK))
    b.shape(EllipseGeom(80, 80, 55, 55), Style(fill=RED, stroke=Stroke(BLUE, 20), opacity=0.5))
    return b.doc()


@scene
def opacity_group_overlapping_children():
    b = B()
    g = b.group(opacity=0.5)
    b.shape(RectGeom(20, 20, 80, 80), fill(RED), parent=g)
    b.shape(RectGeom(60, 60, 80, 80), fill(BLUE), parent=g)
    return b.doc()


@scene
def opacity_nested_groups():
    b = B()
    b.shape(RectGeom(0, 70, 160, 20), fill(GREEN))
    g = b.group(opacity=0.7)
    b.shape(EllipseGeom(60, 70, 45, 45), fill(RED), parent=g)
    g2 = b.group(opacity=0.5, parent=g)
    b.shape(EllipseGeom(100, 90, 45, 45), fill(BLUE), parent=g2)
    b.shape(EllipseGeom(80, 110, 30, 30), fill(ORANGE, 0.5), parent=g2)
    return b.doc()


@scene
def opacity_stack_fill_alpha_and_object_opacity():
    b = B()
    for i in range(5):
        b.shape(RectGeom(10 + i * 22, 10 + i * 22, 70, 70), Style(fill=Color(0.2 * i, 0.3, 1 - 0.2 * i, 0.7), opacity=0.8))
    return b.doc()


@scene
def opacity_zero_group_hides():
    b = B()
    g = b.group(opacity=0.0)
    b.shape(RectGeom(20, 20, 120, 120), fill(RED), parent=g)
    b.shape(RectGeom(50, 50, 60, 60), fill(BLUE))
    return b.doc()


# ---------------------------------------------------------------- transforms
@scene
def transform_rotated_rect():
    b = B()
    b.shape(RectGeom(40, 50, 80, 60), Style(fill=BLUE, stroke=Stroke(BLACK, 4)), transform=rotate(30, 80, 80))
    return b.doc()


@scene
def transform_skewed_star():
    b = B()
    b.shape(StarGeom(80, 80, 60, 25, 6), fill(RED), transform=(1.0, 0.0, 0.5, 1.0, -40.0, 0.0))
    return b.doc()


@scene
def transform_nonuniform_scale_stroke_is_elliptic():
    b = B()
    b.shape(EllipseGeom(0, 0, 30, 30), stroke(BLUE, 6), transform=(3.5, 0.0, 0.0, 1.0, 80.0, 80.0))
    return b.doc()


@scene
def transform_nested_groups():
    b = B()
    g = b.group(transform=translate(80, 80))
    g2 = b.group(transform=rotate(45), parent=g)
    b.shape(RectGeom(-40, -10, 80, 20), fill(GREEN), parent=g2)
    b.shape(RectGeom(-10, -40, 20, 80), fill(RED), parent=g2, transform=scale(1.0, 1.5))
    return b.doc()


@scene
def transform_mirrored_path():
    b = B()
    pts = [(20, 140, 0, 0, 20, -100), (80, 30, -30, 0, 30, 0), (140, 140, -20, -100, 0, 0)]
    b.path([(pts, True)], Style(fill=ORANGE, stroke=Stroke(BLACK, 3, "round")), transform=(-1.0, 0.0, 0.0, 1.0, 160.0, 0.0))
    return b.doc()


# ---------------------------------------------------------------- coordinates, structure
@scene
def coordinates_tiny():
    s = 0.001
    b = B(0, 0, SIZE * s, SIZE * s)
    b.shape(StarGeom(80 * s, 80 * s, 70 * s, 30 * s, 5), Style(fill=RED, stroke=Stroke(BLACK, 3 * s, "round")))
    return b.doc()


@scene
def coordinates_huge_offset():
    o = 100000.0
    b = B(o, o)
    b.shape(EllipseGeom(o + 80, o + 80, 60, 40), Style(fill=BLUE, stroke=Stroke(BLACK, 5)))
    b.path([([(o + 20, o + 20), (o + 140, o + 140)], False)], stroke(RED, 4))
    return b.doc()


@scene
def coordinates_huge_scale():
    s = 1000.0
    b = B(0, 0, SIZE * s, SIZE * s)
    b.shape(RectGeom(20 * s, 20 * s, 120 * s, 120 * s, 20 * s, 20 * s, 20 * s, 20 * s), Style(fill=GREEN, stroke=Stroke(BLACK, 6 * s)))
    return b.doc()


@scene
def artboard_background_and_layers_order():
    b = B(background=Color(0.9, 0.95, 1.0))
    b.shape(RectGeom(20, 20, 80, 80), fill(RED))
    b.layer()
    b.shape(RectGeom(60, 60, 80, 80), fill(BLUE))
    return b.doc()


@scene
def hidden_objects_and_layers_not_drawn():
    b = B()
    b.shape(RectGeom(20, 20, 120, 120), fill(GREEN))
    b.shape(RectGeom(40, 40, 80, 80), fill(RED), visible=False)
    b.layer(visible=False)
    b.shape(EllipseGeom(80, 80, 40, 40), fill(BLUE))
    return b.doc()


@scene
def artboard_offset_origin():
    b = B(-300, 200)
    b.shape(PolygonGeom(-220, 280, 60, 5), Style(fill=ORANGE, stroke=Stroke(BLUE, 5, "bevel")))
    return b.doc()


@scene
def many_small_paths_batched():
    b = B()
    for i in range(20):
        for j in range(20):
            b.shape(RectGeom(2 + i * 8, 2 + j * 8, 6, 6), fill(Color(i / 20, j / 20, 0.5)))
    return b.doc()
