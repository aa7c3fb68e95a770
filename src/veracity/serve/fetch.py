"""Fetching an article by URL without letting the service be turned against its own network.

Every hop (the first request and each redirect) is resolved here, every address is checked, and the
connection goes to the checked address itself (with the original Host header and TLS server name), so a
name that resolves differently on a second lookup cannot slip a private address past the check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from veracity.errors import InputError

Resolver = Callable[[str, int], Awaitable[list[str]]]

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_USER_AGENT = "veracity-fetch/0.1 (+fact checking; one request per submitted URL)"


class FetchError(InputError):
    """The URL was refused or could not be fetched; the message says which and why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return not self.content_type.startswith("text/plain")


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"url: cannot resolve {host!r} ({exc.strerror})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refused_reason(address: str) -> str | None:
    """Why an address must not be fetched from, or None for a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "not a public address"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "not a public address"
    return None


class UrlFetcher:
    """GETs public http(s) pages with caps on size, time and redirects."""

    def __init__(
        self,
        *,
        max_bytes: int = 5 * 1024 * 1024,
        timeout_s: float = 15.0,
        max_redirects: int = 5,
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.max_redirects = max_redirects
        self._resolver = resolver
        self._transport = transport

    async def fetch(self, url: str) -> Fetched:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._fetch(url)
        except TimeoutError:
            raise FetchError(f"url: no complete answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"url: fetching failed ({type(exc).__name__}: {exc})") from None

    async def _fetch(self, url: str) -> Fetched:
        timeout = httpx.Timeout(self.timeout_s)
        async with httpx.AsyncClient(
            transport=self._transport, timeout=timeout, follow_redirects=False, trust_env=False
        ) as client:
            current = _parse(url)
            for _ in range(self.max_redirects + 1):
                request = await self._pinned_request(client, current)
                response = await client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError("url: a redirect without a Location header")
                        current = _parse(str(current.join(location)))
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"url: the server answered HTTP {response.status_code}")
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_type not in _TEXT_TYPES:
                        raise FetchError(
                            f"url: expected an HTML or text page, got {content_type or 'no content type'}"
                        )
                    body = await self._read_capped(response)
                    return Fetched(url=str(current), content_type=content_type, body=body)
                finally:
                    await response.aclose()
            raise FetchError(f"url: more than {self.max_redirects} redirects")

    async def _pinned_request(self, client: httpx.AsyncClient, url: httpx.URL) -> httpx.Request:
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            addresses = await self._resolver(host, port)
        if not addresses:
            raise FetchError(f"url: {host!r} has no address")
        for address in addresses:
            reason = refused_reason(address)
            if reason is not None:
                raise FetchError(f"url: refused, {host!r} resolves to a {reason} address ({address})")
        address = addresses[0]
        pinned = url.copy_with(host=address)
        headers = {
            "Host": url.netloc.decode("ascii"),
            "User-Agent": _USER_AGENT,
            "Accept": "text/html, text/plain",
        }
        extensions = {"sni_hostname": host} if url.scheme == "https" else {}
        return client.build_request("GET", pinned, headers=headers, extensions=extensions)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"url: the page is larger than {self.max_bytes // 1024} KiB")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"url: the page is larger than {self.max_bytes // 1024} KiB")
            chunks.append(chunk)
        return b"".join(chunks)


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"url: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(f"url: only http and https URLs can be fetched, not {parsed.scheme or 'none'!r}")
    if not parsed.host:
        raise FetchError("url: the URL has no host")
    if parsed.userinfo:
        raise FetchError("url: URLs with a user name or password are not fetched")
    return parsed
