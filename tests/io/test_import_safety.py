"""Hostile SVG input: entity bombs, external entities, ceilings, hrefs outside the folder, network."""

from __future__ import annotations

import socket

import pytest

from wiretuner_gl.errors import FileAccessDenied, ImportFailed
from wiretuner_gl.io._svg_xml import Limits
from wiretuner_gl.io.guard import FileGuard
from wiretuner_gl.io.svg_import import import_svg

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">{}</svg>'


def write(tmp_path, text, name="t.svg"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_billion_laughs_is_refused_with_a_clear_error(tmp_path):
    ents = '<!ENTITY a "lol">' + "".join(f'<!ENTITY {chr(98 + i)} "&{chr(97 + i)};&{chr(97 + i)};&{chr(97 + i)};">' for i in range(9))
    p = write(tmp_path, f'<?xml version="1.0"?><!DOCTYPE svg [{ents}]>' + SVG.format("<desc>&j;</desc>"))
    with pytest.raises(ImportFailed, match=r"t\.svg: refused XML entity"):
        import_svg(p)


def test_external_entity_is_refused_and_nothing_is_read(tmp_path):
    secret = write(tmp_path, "top secret", "secret.txt")
    p = write(tmp_path, f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>' + SVG.format("<desc>&x;</desc>"))
    with pytest.raises(ImportFailed, match="refused XML entity"):
        import_svg(p)


def test_parameter_entity_is_refused(tmp_path):
    p = write(tmp_path, '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % p "x">]>' + SVG.format(""))
    with pytest.raises(ImportFailed, match="refused XML entity"):
        import_svg(p)


def test_illustrator_style_plain_entities_are_allowed(tmp_path):
    p = write(tmp_path, '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]>'
                        '<svg xmlns="&ns_svg;" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>')
    assert import_svg(p).doc.counts()["shape"] == 1


def test_malformed_xml_names_the_file(tmp_path):
    with pytest.raises(ImportFailed, match=r"t\.svg: not well-formed XML"):
        import_svg(write(tmp_path, "<svg><g></svg>"))


def test_non_svg_root_is_refused(tmp_path):
    with pytest.raises(ImportFailed, match="not an SVG"):
        import_svg(write(tmp_path, "<html/>"))


def test_file_size_ceiling(tmp_path):
    p = write(tmp_path, SVG.format("<rect width='1' height='1'/>" * 100))
    with pytest.raises((ImportFailed, FileAccessDenied), match="limit"):
        import_svg(p, limits=Limits(max_bytes=1000))


def test_element_count_ceiling(tmp_path):
    p = write(tmp_path, SVG.format("<rect width='1' height='1'/>" * 300))
    with pytest.raises(ImportFailed, match="more than 200 elements"):
        import_svg(p, limits=Limits(max_elements=200))


def test_nesting_depth_ceiling_with_default_limits(tmp_path):
    p = write(tmp_path, SVG.format("<g>" * 5000 + "</g>" * 5000))
    with pytest.raises(ImportFailed, match="nested more than 128 deep"):
        import_svg(p)


def test_path_data_length_ceiling(tmp_path):
    p = write(tmp_path, SVG.format('<path id="long" d="M0 0' + " L1 1" * 100 + '"/>'))
    with pytest.raises(ImportFailed, match="#long: d is 504 characters, over the 100-character import limit"):
        import_svg(p, limits=Limits(max_path_data=100))


def test_use_expansion_bomb_hits_the_object_ceiling(tmp_path):
    defs = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>' for i in range(1, 30)
    )
    p = write(tmp_path, SVG.format(f"<defs>{defs}</defs><use href='#l29'/>"))
    with pytest.raises(ImportFailed, match="more than 5000 objects after <use> expansion"):
        import_svg(p, limits=Limits(max_objects=5000))


def test_href_outside_the_source_folder_is_refused(tmp_path):
    (tmp_path / "outside.svg").write_text(SVG.format('<rect id="r" width="9" height="9"/>'))
    sub = tmp_path / "in"
    sub.mkdir()
    p = write(sub, SVG.format('<use href="../outside.svg#r"/>'))
    r = import_svg(p, FileGuard(root=sub))
    assert r.doc.counts()["shape"] == 0
    assert any("refused" in w and "outside the allowed folder" in w for w in r.report.warnings)


def test_symlink_escaping_the_folder_is_refused(tmp_path):
    (tmp_path / "outside.svg").write_text(SVG.format('<rect id="r" width="9" height="9"/>'))
    sub = tmp_path / "in"
    sub.mkdir()
    (sub / "link.svg").symlink_to(tmp_path / "outside.svg")
    r = import_svg(write(sub, SVG.format('<use href="link.svg#r"/>')), FileGuard(root=sub))
    assert r.doc.counts()["shape"] == 0


def test_href_to_a_file_in_the_same_folder_is_followed(tmp_path):
    write(tmp_path, SVG.format('<rect id="r" width="9" height="9" fill="red"/>'), "lib.svg")
    r = import_svg(write(tmp_path, SVG.format('<use href="lib.svg#r" x="5"/>')))
    assert r.doc.counts()["shape"] == 1


def test_nothing_is_fetched_over_the_network(tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("the importer opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    p = write(tmp_path, SVG.format(
        '<style>@import url("http://example.com/x.css");</style>'
        '<use href="http://example.com/a.svg#x"/><image href="https://example.com/i.png" width="5" height="5"/>'
        '<rect width="5" height="5" fill="url(http://example.com/g.svg#g) red"/>'
    ))
    r = import_svg(p)
    assert any("not a local file" in w for w in r.report.warnings)
    assert r.report.counts["image"] == 1
    assert any("@import" in w for w in r.report.warnings)


def test_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(ImportFailed, match="no such file"):
        import_svg(tmp_path / "nope.svg")


def test_use_bomb_is_refused_before_building_with_default_limits(tmp_path):
    import time

    defs = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>' for i in range(1, 40)
    )
    p = write(tmp_path, SVG.format(f"<defs>{defs}</defs><use href='#l39'/>"))
    t = time.perf_counter()
    with pytest.raises(ImportFailed, match="objects after <use> expansion"):
        import_svg(p)
    assert time.perf_counter() - t < 5.0
