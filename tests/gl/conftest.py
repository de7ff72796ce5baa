"""GL fixtures: one offscreen EGL context per session (Mesa llvmpipe without a GPU); every test
checks that it left no GL error behind (as moderngl's own `ctx` fixture does)."""

import pytest

from wiretuner_gl.render import create_context


@pytest.fixture(scope="session")
def gl_ctx():
    ctx = create_context(standalone=True)
    yield ctx
    ctx.release()


@pytest.fixture
def ctx(gl_ctx):
    err = gl_ctx.error
    assert err == "GL_NO_ERROR", f"GL error before the test: {err}"
    yield gl_ctx
    err = gl_ctx.error
    assert err == "GL_NO_ERROR", f"GL error left by the test: {err}"
