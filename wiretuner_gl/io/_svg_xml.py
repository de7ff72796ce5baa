"""Safe XML loading for SVG: defusedxml, no external entities, ceilings checked while parsing.

Ceilings are enforced inside the tree builder, so a file with a million elements or a
ten-thousand-deep nesting is refused as soon as the limit is crossed, not after it is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from xml.etree.ElementTree import Element, TreeBuilder

from ..errors import ImportFailed

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


@dataclass(frozen=True)
class Limits:
    """Ceilings for one import; each has its own clear error."""

    max_bytes: int = 64 * 1024 * 1024
    max_elements: int = 250_000
    max_depth: int = 128
    max_path_data: int = 4_000_000  # characters in one `d` / `points` attribute
    max_objects: int = 500_000  # after <use> expansion
    max_anchors: int = 10_000_000
    max_entity_chars: int = 1024  # an internal entity's replacement text


DEFAULT_LIMITS = Limits()


class _Stop(Exception):
    pass


class _CountingBuilder(TreeBuilder):
    """A TreeBuilder that refuses too many elements or too deep a nesting."""

    def __init__(self, limits: Limits, source: str):
        super().__init__()
        self._limits = limits
        self._source = source
        self.count = 0
        self.depth = 0
        self.max_seen = 0

    def start(self, tag, attrs):
        self.count += 1
        self.depth += 1
        if self.count > self._limits.max_elements:
            raise ImportFailed(f"{self._source}: more than {self._limits.max_elements} elements (the import limit)")
        if self.depth > self._limits.max_depth:
            raise ImportFailed(f"{self._source}: elements nested more than {self._limits.max_depth} deep (the import limit)")
        self.max_seen = max(self.max_seen, self.depth)
        return super().start(tag, attrs)

    def end(self, tag):
        self.depth -= 1
        return super().end(tag)


class _SvgParser(DefusedXMLParser):
    """defusedxml's parser, relaxed for one common, harmless case: Illustrator writes short internal
    entities (`<!ENTITY ns_svg "http://www.w3.org/2000/svg">`). Those are allowed when their text is
    plain (no `&`, no markup) and short, so they cannot nest or amplify; external, parameter and
    unparsed entities stay forbidden, and expat's own amplification guard stays on."""

    def __init__(self, target, max_entity_chars: int):
        super().__init__(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self._max_entity_chars = max_entity_chars

    def defused_entity_decl(self, name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        if (
            is_parameter_entity
            or sysid
            or pubid
            or notation_name
            or value is None
            or "&" in value
            or "<" in value
            or "%" in value
            or len(value) > self._max_entity_chars
        ):
            raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def parse_svg_bytes(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> Element:
    """The root element of an SVG document, or ImportFailed naming the file and the problem."""
    if len(data) > limits.max_bytes:
        raise ImportFailed(f"{source}: {len(data)} bytes is over the {limits.max_bytes}-byte import limit")
    builder = _CountingBuilder(limits, source)
    parser = _SvgParser(builder, limits.max_entity_chars)
    try:
        parser.feed(data)
        root = parser.close()
    except EntitiesForbidden as exc:
        raise ImportFailed(
            f"{source}: refused XML entity {exc.name!r} (external, nested or long entities are not allowed)"
        ) from None
    except ExternalReferenceForbidden:
        raise ImportFailed(f"{source}: refused an external XML entity reference") from None
    except ParseError as exc:
        raise ImportFailed(f"{source}: not well-formed XML ({exc})") from None
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise ImportFailed(f"{source}: unreadable XML ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(root, Element) or local(root.tag) != "svg" or ns(root.tag) not in (SVG_NS, ""):
        tag = getattr(root, "tag", "?")
        raise ImportFailed(f"{source}: the root element is <{local(str(tag))}>, not an SVG <svg>")
    return root


def local(tag: str) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def ns(tag: str) -> str:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1 : tag.find("}")]


def href(el: Element) -> str | None:
    v = el.get("href")
    if v is None:
        v = el.get(f"{{{XLINK_NS}}}href")
    return v.strip() if v is not None else None
