"""Bytes to text: files come from many editors and archives, so the encoding is detected, not assumed."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from veracity.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc, less tab and line breaks
_MAX_CONTROL_RATIO = 0.01


def decode_bytes(data: bytes, name: str, *, html: bool = False) -> str:
    """Decode an article or document, rejecting what is plainly not text.

    Order: a byte-order mark, strict UTF-8, a `<meta charset>` for HTML, Windows-1252 when it reads
    cleanly (the usual legacy encoding of English news; charset detection misjudges short Western texts),
    then charset-normalizer.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding), name)
            except UnicodeDecodeError:
                raise _binary(name) from None
    if b"\x00" in data:
        raise _binary(name)
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return _checked(data.decode(declared), name)
            except (LookupError, UnicodeDecodeError):
                pass
    if charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best() is not None:
        return _checked(data.decode("cp1252"), name)
    match = charset_normalizer.from_bytes(data).best()
    if match is None:
        raise _binary(name)
    return _checked(str(match), name)


def _declared_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else None


def _checked(text: str, name: str) -> str:
    if text and len(_CONTROL_CHARS.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise _binary(name)
    return text


def _binary(name: str) -> InputError:
    return InputError(f"{name} looks like a binary file, not an article")
