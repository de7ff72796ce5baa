#version 330
// A textured quad: a rendered layer composited into its parent (or onto the target).
uniform vec4 u_rect;  // x0, y0, x1, y1 in clip space
in vec2 in_corner;    // 0..1
out vec2 v_uv;

void main() {
    v_uv = in_corner;
    gl_Position = vec4(mix(u_rect.xy, u_rect.zw, in_corner), 0.0, 1.0);
}
