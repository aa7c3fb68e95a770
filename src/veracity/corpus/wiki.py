"""Stream articles out of MediaWiki XML dumps (Wikipedia's `pages-articles`) in bounded memory.

A dump holds millions of pages, so it is read with `iterparse` and each page is dropped from the tree as
soon as it has been turned into a Document; memory stays at about one page whatever the dump's size.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import mwparserfromhell
from mwparserfromhell.nodes import Node
from mwparserfromhell.wikicode import Wikicode

from veracity.corpus.compressed import content_suffix, open_binary
from veracity.errors import InputError
from veracity.types import Document

ARTICLE_NAMESPACE = 0
_MEDIA_NAMESPACES = (-2, 6, 14)  # Media:, File:, Category: -- links that render as images or nothing
_DEFAULT_MEDIA_PREFIXES = frozenset({"media", "file", "image", "category"})

# Back matter holds citations and link lists, not statements, and would only add noise to retrieval.
SKIPPED_SECTIONS = frozenset(
    {
        "references",
        "notes",
        "footnotes",
        "citations",
        "sources",
        "bibliography",
        "further reading",
        "external links",
        "see also",
        "notes and references",
    }
)
_MAGIC_WORD = re.compile(r"__[A-Z]+__")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_REDIRECT = re.compile(r"^\s*#\s*redirect\b", re.IGNORECASE)


@dataclass
class _SiteInfo:
    """What the dump's <siteinfo> says about the wiki: its name, URL scheme and namespace prefixes."""

    dbname: str = "wiki"
    article_url: str | None = None  # prefix that a page title is appended to
    namespaces: dict[str, int] = field(default_factory=dict)  # lower-cased prefix -> namespace key

    @property
    def media_prefixes(self) -> frozenset[str]:
        local = {name for name, key in self.namespaces.items() if key in _MEDIA_NAMESPACES}
        return _DEFAULT_MEDIA_PREFIXES | local

    def namespace_of(self, title: str) -> int:
        prefix, colon, _ = title.partition(":")
        return self.namespaces.get(prefix.strip().lower(), ARTICLE_NAMESPACE) if colon else ARTICLE_NAMESPACE


def is_wiki_dump(path: Path | str) -> bool:
    """True for a MediaWiki export by name (.xml, .xml.bz2, .xml.gz) and by its root element."""
    path = Path(path)
    if content_suffix(path) != ".xml" or not path.is_file():
        return False
    try:
        with open_binary(path) as stream:
            for _event, element in ET.iterparse(stream, events=("start",)):
                return _local(element.tag) == "mediawiki"
    except (ET.ParseError, OSError, EOFError, zlib.error):
        return False
    return False


def iter_wiki_dump(
    path: Path | str, *, namespaces: Iterable[int] = (ARTICLE_NAMESPACE,), min_chars: int = 1
) -> Iterator[Document]:
    """Yield one Document per page in `namespaces` (articles by default), skipping redirects.

    Wiki markup is reduced to the text a reader sees: templates, references, tables, images, categories
    and back-matter sections (References, See also, ...) are dropped. `doc_id` is "<dbname>:<page id>" so
    pages of different wikis never collide; `published` is the date of the dumped revision, the date the
    text is true as of. Pages whose plain text is shorter than `min_chars` are skipped.
    """
    path = Path(path)
    wanted = frozenset(namespaces)
    site = _SiteInfo()
    root: ET.Element | None = None
    with open_binary(path) as stream:
        try:
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if root is None:
                    root = element
                    if _local(root.tag) != "mediawiki":
                        raise InputError(f"{path} is not a MediaWiki XML dump (root <{_local(root.tag)}>)")
                if event != "end":
                    continue
                tag = _local(element.tag)
                if tag == "siteinfo":
                    site = _read_siteinfo(element)
                    root.clear()
                elif tag == "page":
                    document = _page_document(element, site, wanted, path, min_chars)
                    root.clear()  # drop the finished page so memory stays at one page
                    if document is not None:
                        yield document
        except ET.ParseError as exc:
            raise InputError(f"{path} is not well-formed XML ({exc})") from None
        except (EOFError, zlib.error, OSError) as exc:
            raise InputError(f"{path} is truncated or not validly compressed ({exc})") from None


def wikitext_to_text(wikitext: str, media_prefixes: frozenset[str] = _DEFAULT_MEDIA_PREFIXES) -> str:
    """The readable text of a page's wikitext, one paragraph or heading per line."""
    code = mwparserfromhell.parse(wikitext)
    _drop_back_matter(code)
    for link in code.filter_wikilinks():
        prefix, colon, _ = str(link.title).partition(":")
        if colon and prefix.strip().lower() in media_prefixes:
            _remove(code, link)
    for table in code.filter_tags(matches=lambda node: node.tag == "table"):
        _remove(code, table)
    text = code.strip_code(normalize=True, collapse=True)
    text = _MAGIC_WORD.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def _drop_back_matter(code: Wikicode) -> None:
    for section in code.get_sections(levels=[2]):
        headings = section.filter_headings(recursive=False)
        if headings and headings[0].title.strip_code().strip().lower() in SKIPPED_SECTIONS:
            for node in list(section.nodes):
                _remove(code, node)


def _remove(code: Wikicode, node: Node | Wikicode) -> None:
    """Remove a node that an earlier removal (an enclosing table or section) may already have taken."""
    try:
        code.remove(node)
    except ValueError:
        return


def _page_document(
    page: ET.Element, site: _SiteInfo, wanted: frozenset[int], path: Path, min_chars: int
) -> Document | None:
    fields = {_local(child.tag): child for child in page}
    title = (fields["title"].text or "").strip() if "title" in fields else ""
    page_id = (fields["id"].text or "").strip() if "id" in fields else ""
    if not title or not page_id or "redirect" in fields:
        return None
    namespace = _namespace(fields.get("ns"), title, site)
    if namespace not in wanted:
        return None
    revisions = [child for child in page if _local(child.tag) == "revision"]
    if not revisions:
        return None
    revision = {_local(child.tag): child for child in revisions[-1]}  # a history dump lists the newest last
    wikitext = revision["text"].text if "text" in revision else None
    if not wikitext or _REDIRECT.match(wikitext):
        return None
    text = wikitext_to_text(wikitext, site.media_prefixes)
    if len(text) < max(min_chars, 1):
        return None
    return Document(
        doc_id=f"{site.dbname}:{page_id}",
        source=f"{path}#{page_id}",
        text=text,
        title=title,
        url=site.article_url + quote(title.replace(" ", "_"), safe="/:(),'") if site.article_url else None,
        published=_revision_date(revision.get("timestamp")),
    )


def _namespace(element: ET.Element | None, title: str, site: _SiteInfo) -> int:
    """The page's namespace from <ns>, or from its title prefix in dumps older than <ns> (before 0.5)."""
    if element is not None and element.text and element.text.strip().lstrip("-").isdigit():
        return int(element.text.strip())
    return site.namespace_of(title)


def _revision_date(element: ET.Element | None) -> date | None:
    if element is None or not element.text:
        return None
    try:
        return datetime.fromisoformat(element.text.strip()).date()
    except ValueError:
        return None


def _read_siteinfo(element: ET.Element) -> _SiteInfo:
    site = _SiteInfo()
    for child in element:
        tag = _local(child.tag)
        if tag == "dbname" and child.text:
            site.dbname = child.text.strip()
        elif tag == "base" and child.text and "/wiki/" in child.text:
            site.article_url = child.text.strip().rsplit("/wiki/", 1)[0] + "/wiki/"
        elif tag == "namespaces":
            for namespace in child:
                key = namespace.get("key", "")
                if namespace.text and key.lstrip("-").isdigit():
                    site.namespaces[namespace.text.strip().lower()] = int(key)
    return site


def _local(tag: str) -> str:
    """The tag name without its namespace: every export schema version (0.3 ... 0.11) has its own URI."""
    return tag.rsplit("}", 1)[-1]
