#version 330
// Solid colours (paint 0) and gradients (paint k: row k-1 of the paint tables).
// Output is premultiplied alpha; colours are sRGB values blended as SVG does.
uniform sampler2D u_params;  // RGBA32F, 3 texels per row: (type, spread, -, -), geometry, focal
uniform sampler2D u_ramps;   // RGBA8, 256 texels per row: the stop colours, straight alpha
uniform float u_rows;
in vec2 v_uv;
in vec4 v_color;
flat in int v_paint;
out vec4 frag;

float spread(float t, int mode) {
    if (mode == 1) {
        t = 1.0 - abs(mod(t, 2.0) - 1.0);
    } else if (mode == 2) {
        t = fract(t);
    }
    return clamp(t, 0.0, 1.0);
}

void main() {
    if (v_paint == 0) {
        frag = v_color;
        return;
    }
    int row = v_paint - 1;
    vec4 head = texelFetch(u_params, ivec2(0, row), 0);
    vec4 g = texelFetch(u_params, ivec2(1, row), 0);
    float t;
    if (head.x < 0.5) {
        vec2 d = g.zw - g.xy;
        float dd = dot(d, d);
        t = dd > 0.0 ? dot(v_uv - g.xy, d) / dd : 1.0;
    } else {
        // two-point conical: focal circle (f, fr) to end circle (c, r); the largest t whose
        // radius is not negative
        vec4 f = texelFetch(u_params, ivec2(2, row), 0);
        vec2 cd = g.xy - f.xy;
        vec2 pd = v_uv - f.xy;
        float dr = g.z - f.z;
        float a = dot(cd, cd) - dr * dr;
        float b = dot(pd, cd) + f.z * dr;
        float c = dot(pd, pd) - f.z * f.z;
        if (abs(a) < 1e-9) {
            t = abs(b) > 1e-12 ? c / (2.0 * b) : 0.0;
        } else {
            float disc = b * b - a * c;
            if (disc < 0.0) {
                discard;
            }
            float s = sqrt(disc);
            float t1 = (b + s) / a;
            float t2 = (b - s) / a;
            t = max(t1, t2);
            if (f.z + t * dr < 0.0) {
                t = min(t1, t2);
                if (f.z + t * dr < 0.0) {
                    discard;
                }
            }
        }
    }
    t = spread(t, int(head.y + 0.5));
    vec4 c = texture(u_ramps, vec2((t * 255.0 + 0.5) / 256.0, (float(row) + 0.5) / u_rows));
    frag = vec4(c.rgb * c.a, c.a) * v_color.a;
}
