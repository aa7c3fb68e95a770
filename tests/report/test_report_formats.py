import json
from html.parser import HTMLParser

import pytest
from report_samples import ARTICLE_TEXT, HOSTILE, sample_report

from veracity.errors import ConfigError
from veracity.report import FORMATS, render
from veracity.report.html_format import highlight_segments
from veracity.types import Article, CheckedClaim, Claim, Report


@pytest.fixture
def report() -> Report:
    return sample_report()


def test_registry_lists_the_formats():
    assert FORMATS.names() == ["html", "json", "markdown"]
    with pytest.raises(ConfigError, match="unknown report format 'pdf'"):
        render(Report(article=Article(text="x"), claims=[]), "pdf")


def test_json_round_trips_the_schema(report):
    data = json.loads(render(report, "json"))
    assert data == json.loads(json.dumps(report.to_dict()))
    assert data["version"] == "1.0"
    assert data["summary"] == {
        "claims": 4,
        "supported": 1,
        "refuted": 1,
        "not_enough_evidence": 1,
        "conflicting": 1,
    }
    first = data["claims"][0]
    assert (first["id"], first["verdict"], first["confidence"], first["speaker"]) == (
        "c1",
        "supported",
        0.91,
        "Sami Abu Zuhri",
    )
    assert first["evidence"][0]["published"] == "2024-08-10"
    assert data["article"]["published"] == "2024-08-14"


def test_every_format_names_the_verifier_and_its_options(report):
    data = json.loads(render(report, "json"))
    assert data["verifier"] == {
        "name": "builtin",
        "options": {"model_dir": f"models/{HOSTILE}", "passages_read": "2"},
    }
    assert (
        "- Verifier: builtin (model\\_dir=models/&lt;script&gt;alert(1)&lt;/script&gt;, passages\\_read=2)"
        in render(report, "markdown")
    )
    meta = "Verifier builtin (model_dir=models/&lt;script&gt;alert(1)&lt;/script&gt;, passages_read=2)"
    assert meta in render(report, "html")


def test_a_report_built_outside_a_checker_names_no_verifier():
    report = Report(article=Article(text="x"), claims=[])
    assert report.to_dict()["verifier"] is None
    assert "Verifier" not in render(report, "markdown")
    assert "Verifier" not in render(report, "html")


def test_json_keeps_non_ascii_text():
    report = Report(article=Article(text="Café in Doha — “talks”"), claims=[])
    assert "Café in Doha — “talks”" in render(report, "json")


def test_markdown_lists_verdicts_and_evidence(report):
    markdown = render(report, "markdown")
    assert markdown.startswith("# Fact-check: Talks")
    assert "4 claims: 1 supported, 1 refuted, 1 not enough evidence, 1 conflicting" in markdown
    for heading in [
        "## c1: ✓ Supported",
        "## c2: ✗ Refuted",
        "## c3: ⚠ Conflicting",
        "## c4: ? Not enough evidence",
    ]:
        assert heading in markdown
    assert "| Speaker | Sami Abu Zuhri |" in markdown
    assert "| Confidence | 91% |" in markdown
    assert "[Strike &lt;script&gt;alert(1)&lt;/script&gt;](<https://example.org/strike?a=1&b=2>)" in markdown
    assert "`examples/evidence/strike.md`" in markdown
    assert "No evidence passages." in markdown


def test_markdown_neutralises_markup(report):
    markdown = render(report, "markdown")
    assert "<script>" not in markdown
    assert "javascript:" not in markdown
    assert "&lt;script&gt;" in markdown


def test_markdown_escapes_table_breaking_text(report):
    report.claims[0].reason = "a | b\nc *d*"
    assert "| Reason | a \\| b c \\*d\\* |" in render(report, "markdown")


class _Page(HTMLParser):
    """Collects what the tests inspect: highlighted segments, asset references and script contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[str, str]] = []  # (data-claims, text)
        self.article_text: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self.asset_urls: list[str] = []
        self.anchors: list[str | None] = []
        self.in_article = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        if attributes.get("id") == "article":
            self.in_article = len(self.stack)
        if tag == "mark" and "claim" in (attributes.get("class") or ""):
            self.marks.append((attributes["data-claims"] or "", ""))
        if tag == "a":
            self.anchors.append(attributes.get("href"))
        if tag == "script":
            self.scripts.append((attributes.get("type"), ""))
        for name in ("src", "srcset", "data"):
            if attributes.get(name):
                self.asset_urls.append(attributes[name] or "")
        if tag == "link":
            self.asset_urls.append(attributes.get("href") or "")

    def handle_endtag(self, tag):
        if self.stack and len(self.stack) == self.in_article:
            self.in_article = 0
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        tag = self.stack[-1][0] if self.stack else None
        if tag == "script":
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)
        if self.in_article and tag != "sup":
            self.article_text.append(data)
        if tag == "mark" and self.marks and self.in_article:
            claims, text = self.marks[-1]
            self.marks[-1] = (claims, text + data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_html_spans_are_highlighted_at_their_offsets(report):
    page = parse(render(report, "html"))
    assert "".join(page.article_text) == ARTICLE_TEXT
    for checked in report.claims:
        covered = "".join(text for claims, text in page.marks if checked.claim.id in claims.split())
        assert covered == ARTICLE_TEXT[checked.claim.start : checked.claim.end]


def test_overlapping_spans_are_split_and_keep_both_claims(report):
    page = parse(render(report, "html"))
    overlap = [text for claims, text in page.marks if claims.split() == ["c3", "c2"]]
    assert overlap == ["killed 92 people"]
    segments = highlight_segments(ARTICLE_TEXT, report.claims)
    inner = next(s for s in segments if s.text == "killed 92 people")
    assert inner.verdict == "conflicting"  # the innermost claim gives the colour
    assert [c.claim.id for c in inner.ending] == ["c3"]


def test_verdict_colours_and_icons(report):
    html = render(report, "html")
    assert 'class="claim v-supported"' in html
    assert 'class="claim v-refuted"' in html
    assert 'class="claim v-conflicting overlap"' in html
    assert 'class="claim v-not_enough_evidence"' in html
    assert '<sup class="badge v-refuted">✗&#8239;c2</sup>' in html
    assert 'tabindex="0" role="button"' in html


def test_html_escapes_hostile_text_everywhere(report):
    html = render(report, "html")
    page = parse(html)
    assert html.count("<script") == 2  # the report data and the page's own script
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (data_type, data), (code_type, _) = page.scripts
    assert data_type == "application/json"
    assert code_type is None
    assert "</" not in data
    assert json.loads(data) == json.loads(json.dumps(report.to_dict()))


def test_only_web_links_become_anchors(report):
    page = parse(render(report, "html"))
    assert "https://example.org/strike?a=1&b=2" in page.anchors
    assert not [href for href in page.anchors if href and not href.startswith("https://")]


def test_html_is_one_self_contained_file(report):
    html = render(report, "html")
    page = parse(html)
    assert page.asset_urls == []
    assert "@import" not in html
    assert "url(" not in html
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


def test_out_of_range_and_empty_spans_do_not_break_the_page():
    text = "Short article text."
    claims = [
        CheckedClaim(claim=_claim("c1", 6, 500), verdict="refuted", confidence=0.7, reason="r"),
        CheckedClaim(claim=_claim("c2", 10, 10), verdict="supported", confidence=0.7, reason="r"),
        CheckedClaim(claim=_claim("c3", 12, 3), verdict="supported", confidence=0.7, reason="r"),
    ]
    page = parse(render(Report(article=Article(text=text), claims=claims), "html"))
    assert "".join(page.article_text) == text
    assert page.marks == [("c1", "article text.")]


def test_report_without_claims_renders_everywhere():
    report = Report(article=Article(text=f"Nothing to check {HOSTILE}."), claims=[])
    assert "No check-worthy claims were found." in render(report, "html")
    assert "No check-worthy claims were found." in render(report, "markdown")
    assert json.loads(render(report, "json"))["summary"]["claims"] == 0


def _claim(claim_id: str, start: int, end: int) -> Claim:
    return Claim(id=claim_id, text="t", start=start, end=end, sentence="s")
