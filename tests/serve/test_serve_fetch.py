"""URL fetching: private addresses refused at every hop, the connection pinned, size and type capped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from veracity.serve.fetch import FetchError, UrlFetcher, refused_reason

PUBLIC = "93.184.216.34"


def resolver_for(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


def fetch(fetcher: UrlFetcher, url: str) -> object:
    return asyncio.run(fetcher.fetch(url))


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.8", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "not a public address"),
        ("100.64.0.1", "not a public address"),
        (PUBLIC, None),
    ],
)
def test_refused_reason(address: str, reason: str | None) -> None:
    assert refused_reason(address) == reason


def test_connection_goes_to_the_checked_address() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=b"<p>hi</p>")

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}), transport=httpx.MockTransport(handler)
    )
    fetched = fetch(fetcher, "https://news.example/story?id=1")
    assert fetched.body == b"<p>hi</p>"  # type: ignore[attr-defined]
    assert fetched.is_html  # type: ignore[attr-defined]
    assert seen[0].url.host == PUBLIC
    assert seen[0].headers["host"] == "news.example"
    assert seen[0].extensions["sni_hostname"] == "news.example"


def test_a_name_with_any_private_address_is_refused() -> None:
    fetcher = UrlFetcher(
        resolver=resolver_for({"mixed.example": [PUBLIC, "10.0.0.1"]}),
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    )
    with pytest.raises(FetchError, match="private address"):
        fetch(fetcher, "http://mixed.example/")


def test_redirects_are_checked_at_every_hop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}), transport=httpx.MockTransport(handler)
    )
    with pytest.raises(FetchError, match="link-local"):
        fetch(fetcher, "http://news.example/")


def test_redirect_loops_end() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}),
        transport=httpx.MockTransport(handler),
        max_redirects=3,
    )
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(fetcher, "http://news.example/")


def test_size_cap_holds_without_a_content_length() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 1024

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=chunks())

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}),
        transport=httpx.MockTransport(handler),
        max_bytes=10_000,
    )
    with pytest.raises(FetchError, match="larger than"):
        fetch(fetcher, "http://news.example/")


def test_non_text_and_errors_are_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing":
            return httpx.Response(404, headers={"content-type": "text/html"})
        return httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF")

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}), transport=httpx.MockTransport(handler)
    )
    with pytest.raises(FetchError, match="application/pdf"):
        fetch(fetcher, "http://news.example/file.pdf")
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(fetcher, "http://news.example/missing")


def test_time_cap() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    fetcher = UrlFetcher(
        resolver=resolver_for({"news.example": [PUBLIC]}), transport=httpx.MockTransport(slow), timeout_s=0.1
    )
    with pytest.raises(FetchError, match=r"within 0\.1 s"):
        fetch(fetcher, "http://news.example/")


@pytest.mark.parametrize(
    "url", ["ftp://news.example/", "http://user:pw@news.example/", "not a url", "http:///path-only"]
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(FetchError, match=r"^url: "):
        fetch(UrlFetcher(resolver=resolver_for({})), url)


def test_ipv6_literal_is_pinned_with_brackets() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=b"ok")

    fetcher = UrlFetcher(
        resolver=resolver_for({"v6.example": ["2606:2800:220:1::1"]}), transport=httpx.MockTransport(handler)
    )
    fetch(fetcher, "http://v6.example:8080/a")
    assert str(seen[0].url) == "http://[2606:2800:220:1::1]:8080/a"
    assert seen[0].headers["host"] == "v6.example:8080"
