"""GLFW key codes and modifier bits <-> the key names the editor and scripts use."""

from __future__ import annotations

import glfw

NAMED = {
    glfw.KEY_ESCAPE: "Escape", glfw.KEY_ENTER: "Enter", glfw.KEY_KP_ENTER: "Enter", glfw.KEY_TAB: "Tab",
    glfw.KEY_BACKSPACE: "Backspace", glfw.KEY_DELETE: "Delete", glfw.KEY_SPACE: "Space",
    glfw.KEY_LEFT: "Left", glfw.KEY_RIGHT: "Right", glfw.KEY_UP: "Up", glfw.KEY_DOWN: "Down",
    glfw.KEY_HOME: "Home", glfw.KEY_END: "End", glfw.KEY_PAGE_UP: "PageUp", glfw.KEY_PAGE_DOWN: "PageDown",
    glfw.KEY_MINUS: "-", glfw.KEY_EQUAL: "=", glfw.KEY_KP_ADD: "+", glfw.KEY_KP_SUBTRACT: "-",
    glfw.KEY_LEFT_BRACKET: "[", glfw.KEY_RIGHT_BRACKET: "]", glfw.KEY_BACKSLASH: "\\",
    glfw.KEY_APOSTROPHE: "'", glfw.KEY_SEMICOLON: ";", glfw.KEY_COMMA: ",", glfw.KEY_PERIOD: ".",
    glfw.KEY_SLASH: "/", glfw.KEY_GRAVE_ACCENT: "`",
    glfw.KEY_LEFT_SHIFT: "Shift", glfw.KEY_RIGHT_SHIFT: "Shift", glfw.KEY_LEFT_CONTROL: "Ctrl",
    glfw.KEY_RIGHT_CONTROL: "Ctrl", glfw.KEY_LEFT_ALT: "Alt", glfw.KEY_RIGHT_ALT: "Alt",
    glfw.KEY_LEFT_SUPER: "Super", glfw.KEY_RIGHT_SUPER: "Super",
}
for _i in range(26):
    NAMED[glfw.KEY_A + _i] = chr(ord("A") + _i)
for _i in range(10):
    NAMED[glfw.KEY_0 + _i] = str(_i)
for _i in range(12):
    NAMED[glfw.KEY_F1 + _i] = f"F{_i + 1}"

CODES: dict[str, int] = {}
for _code, _name in NAMED.items():
    CODES.setdefault(_name.upper(), _code)
CODES.update({"RETURN": glfw.KEY_ENTER, "ESC": glfw.KEY_ESCAPE, "DEL": glfw.KEY_DELETE, "+": glfw.KEY_EQUAL})

MOD_BITS = {"shift": glfw.MOD_SHIFT, "ctrl": glfw.MOD_CONTROL, "alt": glfw.MOD_ALT, "super": glfw.MOD_SUPER}
MODIFIER_KEYS = {"Shift", "Ctrl", "Alt", "Super"}


def key_name(code: int) -> str | None:
    return NAMED.get(code)


def key_code(name: str) -> int:
    code = CODES.get(name.upper())
    if code is None:
        raise ValueError(f"unknown key {name!r}")
    return code


def mods_from_bits(bits: int) -> frozenset:
    return frozenset(n for n, b in MOD_BITS.items() if bits & b)


def bits_from_mods(mods) -> int:
    out = 0
    for m in mods:
        m = m.lower()
        if m not in MOD_BITS:
            raise ValueError(f"unknown modifier {m!r} (use shift, ctrl, alt, super)")
        out |= MOD_BITS[m]
    return out


def imgui_key(code: int):
    """The imgui key for a GLFW key code (None when imgui has no such key)."""
    from imgui_bundle import imgui

    K = imgui.Key
    special = {
        glfw.KEY_TAB: K.tab, glfw.KEY_LEFT: K.left_arrow, glfw.KEY_RIGHT: K.right_arrow, glfw.KEY_UP: K.up_arrow,
        glfw.KEY_DOWN: K.down_arrow, glfw.KEY_PAGE_UP: K.page_up, glfw.KEY_PAGE_DOWN: K.page_down,
        glfw.KEY_HOME: K.home, glfw.KEY_END: K.end, glfw.KEY_DELETE: K.delete, glfw.KEY_BACKSPACE: K.backspace,
        glfw.KEY_SPACE: K.space, glfw.KEY_ENTER: K.enter, glfw.KEY_ESCAPE: K.escape, glfw.KEY_KP_ENTER: K.keypad_enter,
        glfw.KEY_LEFT_CONTROL: K.left_ctrl, glfw.KEY_RIGHT_CONTROL: K.right_ctrl, glfw.KEY_LEFT_SHIFT: K.left_shift,
        glfw.KEY_RIGHT_SHIFT: K.right_shift, glfw.KEY_LEFT_ALT: K.left_alt, glfw.KEY_RIGHT_ALT: K.right_alt,
        glfw.KEY_MINUS: K.minus, glfw.KEY_EQUAL: K.equal, glfw.KEY_PERIOD: K.period,
    }
    if code in special:
        return special[code]
    if glfw.KEY_A <= code <= glfw.KEY_Z:
        return getattr(K, chr(ord("a") + code - glfw.KEY_A))
    if glfw.KEY_0 <= code <= glfw.KEY_9:
        return getattr(K, f"_{code - glfw.KEY_0}")
    if glfw.KEY_F1 <= code <= glfw.KEY_F12:
        return getattr(K, f"f{code - glfw.KEY_F1 + 1}")
    return None
