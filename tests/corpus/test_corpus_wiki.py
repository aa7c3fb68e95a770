"""The MediaWiki dump reader on small generated dumps: markup, namespaces, redirects, compression, memory."""

from __future__ import annotations

import bz2
import gzip
import tracemalloc
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from veracity.corpus import is_wiki_dump, iter_wiki_dump, wikitext_to_text
from veracity.errors import InputError

EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"

SITEINFO = """  <siteinfo>
    <sitename>Wikipedia</sitename>
    <dbname>testwiki</dbname>
    <base>https://test.wikipedia.org/wiki/Main_Page</base>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="6" case="first-letter">Datei</namespace>
      <namespace key="14" case="first-letter">Kategorie</namespace>
    </namespaces>
  </siteinfo>
"""

GAZA_CITY = """{{Infobox settlement
| name = Gaza City
| population_total = 590,481
}}
'''Gaza City''' is a city in the [[Gaza Strip]], [[State of Palestine|Palestine]].<ref>{{cite web|url=https://example.org|title=Census}}</ref>
[[Datei:Gaza skyline.jpg|thumb|The [[skyline]] in 2010]]
__NOTOC__
== History ==
The city has been ''inhabited'' since at least the 15th century BC.<ref name="old" />
* It was besieged by [[Alexander the Great]] in 332 BC.
{| class="wikitable"
! Year !! Population
|-
| 1997 || 353,115
|}
<!-- editors: keep this short -->
== See also ==
* [[Rafah]]
== References ==
{{reflist}}
[[Kategorie:Cities in the Gaza Strip]]
"""


def page(title: str, page_id: int, text: str, *, ns: int | None = 0, redirect: str | None = None) -> str:
    ns_line = f"    <ns>{ns}</ns>\n" if ns is not None else ""
    redirect_line = f'    <redirect title="{escape(redirect)}" />\n' if redirect else ""
    return (
        f"  <page>\n    <title>{escape(title)}</title>\n{ns_line}    <id>{page_id}</id>\n{redirect_line}"
        f"    <revision>\n      <id>{page_id}00</id>\n      <timestamp>2024-08-20T09:15:00Z</timestamp>\n"
        f'      <text bytes="{len(text)}" xml:space="preserve">{escape(text)}</text>\n'
        "    </revision>\n  </page>\n"
    )


def dump(pages: list[str], *, namespace: str = EXPORT_NS, siteinfo: str = SITEINFO) -> str:
    opening = f'<mediawiki xmlns="{namespace}" version="0.11" xml:lang="en">\n'
    return f"{opening}{siteinfo}{''.join(pages)}</mediawiki>\n"


SAMPLE = dump(
    [
        page("Gaza City", 11, GAZA_CITY),
        page("Gaza", 12, "#REDIRECT [[Gaza City]]", redirect="Gaza City"),
        page("Talk:Gaza City", 13, "Should the infobox list the 2017 census?", ns=1),
        page("Datei:Gaza skyline.jpg", 14, "A photo of the city.", ns=6),
        page("Hamas", 15, "'''Hamas''' has governed the [[Gaza Strip]] since 2007."),
        page("Stub", 16, "{{stub}}"),
        page("Gaza (disambiguation)", 17, "#redirect [[Gaza City]]"),  # a redirect without <redirect>
    ]
)


def write(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    opener = {".bz2": bz2.open, ".gz": gzip.open}.get(path.suffix)
    if opener:
        with opener(path, "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["dump.xml", "dump.xml.bz2", "dump.xml.gz"])
def test_articles_are_read_from_plain_and_compressed_dumps(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, SAMPLE)
    documents = list(iter_wiki_dump(path))
    assert [document.title for document in documents] == ["Gaza City", "Hamas"]
    gaza, hamas = documents
    assert gaza.doc_id == "testwiki:11"
    assert gaza.source == f"{path}#11"
    assert gaza.url == "https://test.wikipedia.org/wiki/Gaza_City"
    assert gaza.published == date(2024, 8, 20)
    assert hamas.text == "Hamas has governed the Gaza Strip since 2007."
    assert is_wiki_dump(path)


def test_markup_is_reduced_to_what_a_reader_sees(tmp_path: Path) -> None:
    gaza = next(iter_wiki_dump(write(tmp_path / "dump.xml", SAMPLE)))
    assert gaza.text.splitlines() == [
        "Gaza City is a city in the Gaza Strip, Palestine.",
        "",
        "History",
        "The city has been inhabited since at least the 15th century BC.",
        "It was besieged by Alexander the Great in 332 BC.",
    ]


def test_other_namespaces_can_be_asked_for(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.xml", SAMPLE)
    talk = list(iter_wiki_dump(path, namespaces=[1]))
    assert [document.title for document in talk] == ["Talk:Gaza City"]


def test_old_dumps_without_ns_elements_use_the_title_prefix(tmp_path: Path) -> None:
    pages = [page("Talk:Rafah", 1, "Talk text.", ns=None), page("Rafah", 2, "Rafah is a city.", ns=None)]
    path = write(tmp_path / "old.xml", dump(pages, namespace="http://www.mediawiki.org/xml/export-0.3/"))
    assert [document.title for document in iter_wiki_dump(path)] == ["Rafah"]


def test_a_dump_without_siteinfo_still_reads(tmp_path: Path) -> None:
    path = write(tmp_path / "bare.xml", dump([page("Rafah", 2, "Rafah is a city.")], siteinfo=""))
    (document,) = iter_wiki_dump(path)
    assert (document.doc_id, document.url) == ("wiki:2", None)


def test_min_chars_drops_stubs(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.xml", SAMPLE)
    assert [document.title for document in iter_wiki_dump(path, min_chars=60)] == ["Gaza City"]


def test_memory_stays_bounded_however_many_pages(tmp_path: Path) -> None:
    body = "The river floods every spring and the town rebuilds. " * 40

    def peak_bytes(count: int) -> int:
        path = write(
            tmp_path / f"big{count}.xml", dump([page(f"Town {n}", n, body) for n in range(1, count + 1)])
        )
        tracemalloc.start()
        seen = sum(1 for _ in iter_wiki_dump(path))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert seen == count
        return peak

    small, large = peak_bytes(50), peak_bytes(1000)
    assert large < 2 * small  # twenty times the pages, not twenty times the memory


def test_bad_dumps_fail_in_one_line(tmp_path: Path) -> None:
    not_wiki = write(tmp_path / "feed.xml", "<rss><channel/></rss>")
    with pytest.raises(InputError, match="is not a MediaWiki XML dump"):
        list(iter_wiki_dump(not_wiki))
    assert not is_wiki_dump(not_wiki)
    broken = write(tmp_path / "broken.xml", SAMPLE[: len(SAMPLE) // 2])
    with pytest.raises(InputError, match="is not well-formed XML"):
        list(iter_wiki_dump(broken))
    truncated = tmp_path / "cut.xml.bz2"
    truncated.write_bytes(bz2.compress(SAMPLE.encode())[:200])
    with pytest.raises(InputError, match="truncated or not validly compressed"):
        list(iter_wiki_dump(truncated))
    with pytest.raises(InputError, match="does not exist"):
        list(iter_wiki_dump(tmp_path / "missing.xml"))


def test_wikitext_to_text_keeps_link_labels_and_drops_templates() -> None:
    text = wikitext_to_text(
        "{{Use dmy dates}}The [[United Nations|UN]] met on [[15 August]].{{citation needed}}"
    )
    assert text == "The UN met on 15 August."
