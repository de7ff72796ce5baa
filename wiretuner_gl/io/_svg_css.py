"""The CSS cascade for SVG: presentation attributes < `<style>` rules < `style=""` < `!important`.

Parsing and selector matching are tinycss2 and cssselect2 (the pair WeasyPrint and CairoSVG
use), so selectors, specificity, comments and escapes follow the CSS specs rather than a regex.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

import cssselect2
import tinycss2

from ._svg_xml import local

# Properties that SVG also accepts as presentation attributes.
PRESENTATION = frozenset(
    """fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset stroke-opacity opacity display visibility color clip-path clip-rule
    mask filter marker marker-start marker-mid marker-end font-size font-family font-weight font-style
    stop-color stop-opacity vector-effect paint-order mix-blend-mode isolation overflow transform
    shape-rendering""".split()
)


def _declarations(tokens) -> list[tuple[str, str, bool]]:
    out = []
    for d in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration":
            out.append((d.lower_name, tinycss2.serialize(d.value).strip(), bool(d.important)))
    return out


class Cascade:
    """Declared properties per element (not yet inherited)."""

    def __init__(self, root: Element, report_warn):
        self._warn = report_warn
        self._declared: dict[int, dict[str, str]] = {}
        self.rules = 0
        matcher = cssselect2.Matcher()
        for el in root.iter():
            if local(el.tag) == "style" and (el.get("type") or "text/css").strip().lower() in ("text/css", ""):
                self._add_sheet(matcher, "".join(el.itertext()))
        wrapper = cssselect2.ElementWrapper.from_xml_root(root)
        for w in wrapper.iter_subtree():
            el = w.etree_element
            props: dict[str, str] = {}
            important: dict[str, str] = {}
            for name, value in el.attrib.items():
                if name in PRESENTATION:
                    props[name] = value.strip()
            if self.rules:
                for _spec, _order, _pseudo, decls in matcher.match(w):
                    for name, value, imp in decls:
                        (important if imp else props)[name] = value
            style = el.get("style")
            if style:
                for name, value, imp in _declarations(style):
                    (important if imp else props)[name] = value
            props.update(important)
            if props:
                self._declared[id(el)] = props

    def _add_sheet(self, matcher, text: str) -> None:
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule":
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError as exc:
                    self._warn(f"CSS rule '{tinycss2.serialize(rule.prelude).strip()}' skipped: {exc}")
                    continue
                decls = _declarations(rule.content)
                for sel in selectors:
                    if sel.pseudo_element is not None:
                        continue
                    matcher.add_selector(sel, decls)
                    self.rules += 1
            elif rule.type == "at-rule":
                # @import would mean fetching; @media/@font-face do not apply to a static import.
                self._warn(f"CSS @{rule.lower_at_keyword} rule skipped")
            elif rule.type == "error":
                self._warn(f"CSS parse error skipped: {rule.message}")

    def declared(self, el: Element) -> dict[str, str]:
        return self._declared.get(id(el), {})
