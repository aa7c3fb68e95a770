import io
import sys
from datetime import date
from pathlib import Path

import pytest

from veracity.errors import InputError
from veracity.ingest import article_from_html, article_from_markdown, article_from_text, read_article

BODY = "Hamas said on Wednesday it would not attend the talks in Doha. Israel sent a delegation."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café au lait in Zürich, said the señor. Die Gespräche enden.", "latin-1"),
        ("He said \u201cno deal\u201d \u2013 the talks end\u2026 It costs 5\u20ac.", "cp1252"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy v Praze.", "cp1250"),
        ("Ceasefire talks \u2014 \u201cwe will not attend\u201d, said the official.", "utf-8"),
    ],
)
def test_legacy_encodings_are_detected(tmp_path, text, encoding):
    article = read_article(write(tmp_path, "a.txt", text.encode(encoding)))
    assert article.text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_byte_order_marks_are_honoured(tmp_path, encoding):
    text = "Gaza talks \u201cstall\u201d.\nThe envoy said Doha hosts the round."
    article = read_article(write(tmp_path, "a.txt", text.encode(encoding)))
    assert article.text == text


def test_binary_file_is_rejected(tmp_path):
    path = write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="looks like a binary file, not an article"):
        read_article(path)


def test_control_characters_without_nul_are_binary(tmp_path):
    path = write(tmp_path, "blob.txt", bytes(range(1, 9)) * 200)
    with pytest.raises(InputError, match="binary"):
        read_article(path)


@pytest.mark.parametrize("data", [b"", b"  \n\t \r\n  "])
def test_empty_file_is_rejected(tmp_path, data):
    with pytest.raises(InputError, match=r"a\.txt is empty"):
        read_article(write(tmp_path, "a.txt", data))


def test_oversized_file_names_size_and_limit(tmp_path):
    path = write(tmp_path, "big.txt", b"word " * 500)
    with pytest.raises(InputError, match=r"2,500 bytes, over the limit of 1,000 bytes"):
        read_article(path, max_bytes=1000)


def test_missing_path_and_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_article(tmp_path)


def test_stdin_is_read_as_bytes(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(("Talks stall\n\n" + BODY).encode("cp1252")))
    monkeypatch.setattr(sys, "stdin", stdin)
    article = read_article("-")
    assert article.source == "-"
    assert article.title == "Talks stall"
    assert article.text == BODY


def test_stdin_over_limit(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 50)))
    with pytest.raises(InputError, match="standard input is over the limit of 10 bytes"):
        read_article("-", max_bytes=10)


def test_stdin_html_is_sniffed(monkeypatch):
    page = f"<!DOCTYPE html><html><body><article><p>{BODY}</p></article></body></html>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.encode())))
    assert read_article("-").text == BODY


def test_title_and_date_lines_are_taken_off_the_text():
    article = article_from_text(f"Hamas skips Doha round\nPublished: 14 August 2024\n\n{BODY}\n")
    assert article.title == "Hamas skips Doha round"
    assert article.published == date(2024, 8, 14)
    assert article.text == BODY


@pytest.mark.parametrize(
    "line",
    [
        "August 14, 2024",
        "2024-08-14",
        "Wednesday 14 August 2024",
        "By Jane Roe | Aug 14, 2024",
        "Updated on 14/08/2024",
    ],
)
def test_date_line_forms(line):
    article = article_from_text(f"{line}\n{BODY}")
    assert article.published == date(2024, 8, 14)
    assert article.text == BODY


def test_explicit_published_wins():
    article = article_from_text(f"Published: 14 August 2024\n{BODY}", published=date(2024, 8, 20))
    assert article.published == date(2024, 8, 20)
    assert article.text == BODY


def test_sentence_first_line_is_not_a_title():
    text = f"{BODY}\nA second paragraph follows."
    article = article_from_text(text)
    assert article.title is None
    assert article.text == text


def test_long_first_line_without_period_is_not_a_title():
    first = " ".join(["word"] * 40)
    assert article_from_text(f"{first}\n{BODY}").title is None


def test_single_line_is_body_not_title():
    article = article_from_text("Hamas will not attend the talks")
    assert article.title is None
    assert article.text == "Hamas will not attend the talks"


def test_date_deep_in_body_is_not_the_publication_date():
    text = f"{BODY}\nSecond.\nThird.\nFourth.\nFifth.\n14 August 2024"
    assert article_from_text(text).published is None


def test_explicit_title_removes_only_a_matching_first_line():
    assert article_from_text(f"Talks stall\n{BODY}", title="Talks stall").text == BODY
    kept = article_from_text(f"Talks stall\n{BODY}", title="Another title")
    assert kept.title == "Another title"
    assert kept.text.startswith("Talks stall\n")


def test_whitespace_is_normalised_minimally():
    article = article_from_text("First line.  \r\nSecond\u00a0line.\r\n\r\n\r\n\r\nNew paragraph.\u200b  ")
    assert article.text == "First line.\nSecond line.\n\nNew paragraph."


def test_article_from_text_rejects_blank():
    with pytest.raises(InputError, match="the article is empty"):
        article_from_text("   \n ")


def test_html_main_text_title_and_date(tmp_path):
    page = """<!DOCTYPE html><html><head><title>Talks stall - Example News</title>
    <meta property="article:published_time" content="2024-08-14T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <article><h1>Talks stall in Doha</h1>
    <p>Hamas said on Wednesday it would not attend the talks on Thursday in Doha.</p>
    <p>Israel will send a delegation led by the Mossad chief, officials said.</p></article>
    <footer>Copyright Example News. All rights reserved.</footer><script>var x = 1;</script></body></html>"""
    article = read_article(write(tmp_path, "page.html", page.encode()))
    assert article.title == "Talks stall in Doha"
    assert article.published == date(2024, 8, 14)
    assert "Hamas said on Wednesday" in article.text
    assert "Mossad chief" in article.text
    assert "Copyright" not in article.text
    assert "Home" not in article.text
    assert "var x" not in article.text


def test_html_snippet_falls_back_to_visible_text():
    article = article_from_html(
        "<p>Short <b>snippet</b> &amp; more.</p><script>alert(1)</script><p>Second.</p>"
    )
    assert article.text == "Short snippet & more.\nSecond."


def test_html_declared_charset_is_used(tmp_path):
    page = (
        '<html><head><meta charset="windows-1251"></head>'
        "<body><p>Привет, мир. Переговоры в Дохе.</p></body></html>"
    )
    article = read_article(write(tmp_path, "ru.htm", page.encode("cp1251")))
    assert "Переговоры в Дохе" in article.text


def test_markdown_becomes_plain_text(tmp_path):
    markdown = (
        "# Doha round\n\nPublished: 15 August 2024\n\nHamas *did not* attend the [talks](http://example.org).\n"
        "The `mediators` met.\n\n- Qatar\n- Egypt\n\n> A quoted line.\n"
    )
    article = read_article(write(tmp_path, "note.md", markdown.encode()))
    assert article.title == "Doha round"
    assert article.published == date(2024, 8, 15)
    assert (
        article.text == "Hamas did not attend the talks. The mediators met.\n\nQatar\nEgypt\n\nA quoted line."
    )


def test_markdown_front_matter():
    article = article_from_markdown(
        '---\ntitle: "Round two"\ndate: 2024-08-16\n---\n# Round two\n\nBody *text*.'
    )
    assert (article.title, article.published, article.text) == ("Round two", date(2024, 8, 16), "Body text.")


def test_format_override_reads_markdown_from_txt(tmp_path):
    path = write(tmp_path, "a.txt", b"Some **bold** claim.\n\nSecond paragraph.")
    assert read_article(path, fmt="markdown").text == "Some bold claim.\n\nSecond paragraph."
    assert read_article(path).text == "Some **bold** claim.\n\nSecond paragraph."
