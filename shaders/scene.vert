#version 330
// Scene geometry: world positions, paint coordinates, premultiplied colour, paint row.
uniform mat3 u_view;  // world -> clip
in vec2 in_pos;
in vec2 in_uv;
in vec4 in_color;
in float in_paint;
in float in_z;  // paint-order depth of the item
out vec2 v_uv;
out vec4 v_color;
flat out int v_paint;

void main() {
    vec3 p = u_view * vec3(in_pos, 1.0);
    gl_Position = vec4(p.xy, in_z, 1.0);
    v_uv = in_uv;
    v_color = in_color;
    v_paint = int(in_paint + 0.5);
}
