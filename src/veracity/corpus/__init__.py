"""Streaming readers for corpora too large to load: each yields Documents in bounded memory."""

from __future__ import annotations

from veracity.corpus.compressed import compression_suffix, content_suffix, open_binary
from veracity.corpus.wiki import is_wiki_dump, iter_wiki_dump, wikitext_to_text

__all__ = [
    "compression_suffix",
    "content_suffix",
    "is_wiki_dump",
    "iter_wiki_dump",
    "open_binary",
    "wikitext_to_text",
]
