"""Open corpus files whatever their compression, chosen by suffix, so readers stream instead of unpacking."""

from __future__ import annotations

import bz2
import gzip
import lzma
from io import BufferedReader
from pathlib import Path

from veracity.errors import InputError

BinaryStream = BufferedReader | gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile
_SUFFIXES = (".gz", ".bz2", ".xz")


def compression_suffix(path: Path) -> str | None:
    """The compression suffix of `path` (".gz", ".bz2", ".xz") or None for a plain file."""
    suffix = path.suffix.lower()
    return suffix if suffix in _SUFFIXES else None


def content_suffix(path: Path) -> str:
    """The suffix that names the format under any compression: "data.jsonl.gz" -> ".jsonl"."""
    stem = Path(path.stem) if compression_suffix(path) else path
    return stem.suffix.lower()


def open_binary(path: Path | str) -> BinaryStream:
    """A binary stream of the decompressed content, with one-line errors for a missing or unreadable file."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    suffix = compression_suffix(path)
    try:
        return _open(path, suffix)
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _open(path: Path, suffix: str | None) -> BinaryStream:
    if suffix == ".gz":
        return gzip.GzipFile(path, "rb")
    if suffix == ".bz2":
        return bz2.BZ2File(path, "rb")
    if suffix == ".xz":
        return lzma.LZMAFile(path, "rb")
    return path.open("rb")
