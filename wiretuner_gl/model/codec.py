"""Canonical encoding of model values to JSON data, and validated decoding with field paths.

Written by hand rather than with pydantic: decoding runs for every event on load and replay,
where a per-class compiled plan of plain closures is several times faster than a validation
framework, and the error message still names the offending field (`$.objects[3].style.opacity`).

Encoding is canonical: dataclass fields in declaration order (the hash sorts keys anyway),
float fields always as floats, union members tagged with `"type"`.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import types
import typing
from typing import Any, Callable, Literal, Union, get_args, get_origin

from ..errors import DocumentJsonError

Decoder = Callable[[Any, str], Any]
Encoder = Callable[[Any], Any]

_dec_cache: dict[Any, Decoder] = {}
_enc_cache: dict[type, Encoder] = {}


def _fail(path: str, problem: str):
    raise DocumentJsonError(path, problem)


def _describe(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


# --------------------------------------------------------------------------- decoding


def _dec_float(v, p):
    t = type(v)
    if t is float:
        if v != v or v in (math.inf, -math.inf):
            _fail(p, f"expected a finite number, got {v!r}")
        return v
    if t is int:
        try:
            return float(v)
        except OverflowError:
            _fail(p, f"expected a finite number, got {_describe(v)}")
    _fail(p, f"expected a number, got {_describe(v)}")


def _dec_int(v, p):
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    _fail(p, f"expected an integer, got {_describe(v)}")


def _dec_str(v, p):
    if type(v) is str:
        return v
    _fail(p, f"expected a string, got {_describe(v)}")


def _dec_bool(v, p):
    if type(v) is bool:
        return v
    _fail(p, f"expected true or false, got {_describe(v)}")


def decoder_for(tp: Any) -> Decoder:
    d = _dec_cache.get(tp)
    if d is None:
        d = _make_decoder(tp)
        _dec_cache[tp] = d
    return d


# --------------------------------------------------------------------------- fast path
# Decoding runs for every event on load and replay. The decoders above build a field path
# (`$.node.subpaths[0].anchors[3].x`) for every value they visit, which costs more than the
# decoding itself. Each dataclass decoder therefore first tries a *fast* decoder that checks
# the same things but builds no paths and raises _Invalid on any problem; only then does the
# path-building decoder run, to produce the error (or, should the fast path be stricter than
# needed, the value). The fast path may reject more than the slow one, never less.


class _Invalid(Exception):
    pass


_fast_cache: dict[Any, Callable[[Any], Any]] = {}
_FINITE = 1.7976931348623157e308


def _fast_float(v):
    t = type(v)
    if t is float:
        if -_FINITE <= v <= _FINITE:
            return v
        raise _Invalid
    if t is int and -(2**1023) < v < 2**1023:
        return float(v)
    raise _Invalid


def _fast_int(v):
    if type(v) is int:
        return v
    raise _Invalid  # floats that are whole numbers: the slow path converts them


def _fast_str(v):
    if type(v) is str:
        return v
    raise _Invalid


def _fast_bool(v):
    if type(v) is bool:
        return v
    raise _Invalid


def _fast_for(tp: Any) -> Callable[[Any], Any]:
    f = _fast_cache.get(tp)
    if f is None:
        f = _fast_cache[tp] = _make_fast(tp)
    return f


def _make_fast(tp: Any) -> Callable[[Any], Any]:
    if tp is float:
        return _fast_float
    if tp is int:
        return _fast_int
    if tp is str:
        return _fast_str
    if tp is bool:
        return _fast_bool
    origin = get_origin(tp)
    if origin is Literal:
        allowed = get_args(tp)
        t0 = type(allowed[0])

        def f_lit(v):
            if type(v) is t0 and v in allowed:
                return v
            raise _Invalid

        return f_lit
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) != len(get_args(tp))
        if len(args) == 1:
            inner = _fast_for(args[0])
        else:
            by_tag = {a.TAG: a for a in args}

            def inner(v):
                if type(v) is not dict:
                    raise _Invalid
                tag = v.get("type")
                cls = by_tag.get(tag) if type(tag) is str else None
                if cls is None:
                    raise _Invalid
                return _fast_for(cls)(v)

        if optional:
            return lambda v: None if v is None else inner(v)
        return inner
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _fast_for(args[0])

            def f_seq(v):
                if type(v) is not list and type(v) is not tuple:
                    raise _Invalid
                return tuple([item(x) for x in v])

            return f_seq
        items = [_fast_for(a) for a in args]
        n = len(items)
        if all(i is _fast_float for i in items):

            def f_floats(v):
                if (type(v) is not list and type(v) is not tuple) or len(v) != n:
                    raise _Invalid
                return tuple([x if type(x) is float and -_FINITE <= x <= _FINITE else _fast_float(x) for x in v])

            return f_floats

        def f_fixed(v):
            if (type(v) is not list and type(v) is not tuple) or len(v) != n:
                raise _Invalid
            return tuple([d(x) for d, x in zip(items, v)])

        return f_fixed
    if dataclasses.is_dataclass(tp):
        return _fast_dataclass(tp)
    raise TypeError(f"no decoder for {tp!r}")


def _fast_dataclass(cls: type) -> Callable[[Any], Any]:
    """Generated per class: one dict lookup and one inline check or call per field."""
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: default_factory fields are not supported")
    tag = getattr(cls, "TAG", None)
    allowed = frozenset({f.name for f in fields} | ({"type"} if tag else set()))
    ns: dict[str, Any] = {"cls": cls, "allowed": allowed, "_Invalid": _Invalid, "_MISSING": dataclasses.MISSING,
                          "_ff": _fast_float, "F": _FINITE}
    lines = ["def fast(v):",
             "    if type(v) is not dict or not (v.keys() <= allowed):",
             "        raise _Invalid",
             "    g = v.get"]
    args = []
    for i, f in enumerate(fields):
        tp = hints[f.name]
        a = f"a{i}"
        args.append(a)
        required = f.default is dataclasses.MISSING
        if not required:
            ns[f"D{i}"] = f.default
        lines.append(f"    {a} = g({f.name!r}, _MISSING)")
        lines.append(f"    if {a} is _MISSING:")
        lines.append("        raise _Invalid" if required else f"        {a} = D{i}")
        lines.append("    else:" if not required else "    if True:")
        if tp is float:
            lines.append(f"        if type({a}) is not float or not (-F <= {a} <= F):")
            lines.append(f"            {a} = _ff({a})")
        elif tp is str:
            lines.append(f"        if type({a}) is not str:")
            lines.append("            raise _Invalid")
        elif tp is bool:
            lines.append(f"        if type({a}) is not bool:")
            lines.append("            raise _Invalid")
        else:
            ns[f"d{i}"] = None
            ns[f"T{i}"] = tp
            lines.append(f"        {a} = (d{i} or _res({i}))({a})")
    lines.append(f"    return cls({', '.join(args)})")
    resolved: dict[int, Callable] = {}

    def _res(i):  # lazily: recursive types
        d = ns[f"d{i}"] = _fast_for(ns[f"T{i}"])
        return d

    ns["_res"] = _res
    exec("\n".join(lines), ns)  # noqa: S102 - generated from dataclass fields, like dataclasses itself does
    return ns["fast"]


def _make_decoder(tp: Any) -> Decoder:
    if tp is float:
        return _dec_float
    if tp is int:
        return _dec_int
    if tp is str:
        return _dec_str
    if tp is bool:
        return _dec_bool
    origin = get_origin(tp)
    if origin is Literal:
        allowed = get_args(tp)

        def dec_lit(v, p):
            if v in allowed and type(v) is type(allowed[0]):
                return v
            _fail(p, f"expected one of {', '.join(map(repr, allowed))}, got {_describe(v)}")

        return dec_lit
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) != len(get_args(tp))
        if len(args) == 1:
            inner = decoder_for(args[0])
        else:
            by_tag = {a.TAG: a for a in args}
            decs = {tag: None for tag in by_tag}

            def inner(v, p):
                if type(v) is not dict:
                    _fail(p, f"expected an object, got {_describe(v)}")
                tag = v.get("type")
                cls = by_tag.get(tag) if type(tag) is str else None
                if cls is None:
                    _fail(f"{p}.type", f"expected one of {', '.join(map(repr, by_tag))}, got {_describe(tag)}")
                dec = decs[tag]
                if dec is None:
                    dec = decs[tag] = decoder_for(cls)
                return dec(v, p)

        if optional:
            return lambda v, p: None if v is None else inner(v, p)
        return inner
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = decoder_for(args[0])

            def dec_seq(v, p):
                if type(v) not in (list, tuple):
                    _fail(p, f"expected a list, got {_describe(v)}")
                return tuple([item(x, f"{p}[{i}]") for i, x in enumerate(v)])

            return dec_seq
        items = [decoder_for(a) for a in args]
        n = len(items)

        def dec_fixed(v, p):
            if type(v) not in (list, tuple) or len(v) != n:
                _fail(p, f"expected a list of {n} items, got {_describe(v)}")
            return tuple([d(x, f"{p}[{i}]") for i, (d, x) in enumerate(zip(items, v))])

        return dec_fixed
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    raise TypeError(f"no decoder for {tp!r}")


def _dataclass_decoder(cls: type) -> Decoder:
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    tag = getattr(cls, "TAG", None)
    allowed = names | ({"type"} if tag else set())
    plan: list[tuple[str, Decoder | None, bool]] = []
    for f in fields:
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        plan.append((f.name, None, required))
    resolved: list[Decoder] = []

    fast_box: list = []

    def dec(v, p):
        if not fast_box:
            fast_box.append(_fast_for(cls))
        try:
            return fast_box[0](v)
        except _Invalid:
            pass
        if type(v) is not dict:
            _fail(p, f"expected an object, got {_describe(v)}")
        if not resolved:  # resolve lazily: recursive types
            resolved.extend(decoder_for(hints[name]) for name, _, _ in plan)
        extra = v.keys() - allowed
        if extra:
            _fail(f"{p}.{sorted(extra)[0]}", f"unknown field for {cls.__name__}")
        kwargs = {}
        for (name, _, required), d in zip(plan, resolved):
            if name in v:
                kwargs[name] = d(v[name], f"{p}.{name}")
            elif required:
                _fail(f"{p}.{name}", f"missing required field of {cls.__name__}")
        return cls(**kwargs)

    return dec


def decode(tp: Any, data: Any, path: str = "$") -> Any:
    return decoder_for(tp)(data, path)


# --------------------------------------------------------------------------- encoding


def _enc_plain(v):
    return v


def _enc_float(v):
    return float(v)


def encoder_for(tp: Any) -> Encoder:
    """An encoder that follows the declared type, so `1` in a float field is written `1.0`."""
    e = _enc_cache.get(tp)
    if e is None:
        e = _enc_cache[tp] = _make_encoder(tp)
    return e


def _make_encoder(tp: Any) -> Encoder:
    if tp is float:
        return _enc_float
    if tp in (int, str, bool):
        return _enc_plain
    origin = get_origin(tp)
    if origin is Literal:
        return _enc_plain
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            inner = encoder_for(args[0])
            return lambda v: None if v is None else inner(v)
        return lambda v: None if v is None else encoder_for(type(v))(v)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = encoder_for(args[0])
            return lambda v: [item(x) for x in v]
        items = [encoder_for(a) for a in args]
        return lambda v: [e(x) for e, x in zip(items, v)]
    if dataclasses.is_dataclass(tp):
        return _dataclass_encoder(tp)
    raise TypeError(f"no encoder for {tp!r}")


def _dataclass_encoder(cls: type) -> Encoder:
    tag = getattr(cls, "TAG", None)
    names = [f.name for f in dataclasses.fields(cls)]
    resolved: list[Encoder] = []

    def enc(v):
        if not resolved:
            hints = _hints(cls)
            resolved.extend(encoder_for(hints[n]) for n in names)
        out = {"type": tag} if tag else {}
        for name, e in zip(names, resolved):
            out[name] = e(getattr(v, name))
        return out

    return enc


def encode(value: Any, tp: Any = None) -> Any:
    """JSON data for a value; `tp` is its declared type where the value alone is ambiguous."""
    if tp is None:
        if value is None or type(value) in (str, bool, int, float):
            return value
        tp = type(value)
    return encoder_for(tp)(value)
