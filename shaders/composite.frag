#version 330
// Premultiplied layer times opacity. With linear filtering, a 2x-supersampled source sampled at
// the target's pixel centres averages 2x2 texels: the box-filter downsample.
uniform sampler2D u_layer;
uniform float u_opacity;
in vec2 v_uv;
out vec4 frag;

void main() {
    frag = texture(u_layer, v_uv) * u_opacity;
}
