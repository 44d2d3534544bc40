"""Outbound HTTP to a URL a caller names (webhooks, article links, feeds): the SSRF rules.

Rules from the OWASP SSRF Prevention Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html):
only absolute http(s) URLs without credentials, and every address the host resolves to public
(no loopback, private, link-local such as the cloud metadata 169.254.169.254, multicast, reserved
or unspecified, IPv4-mapped IPv6 included).

``check_url`` refuses a bad URL early, with a message naming the field. ``guarded_client`` is the
httpx client every outbound request goes through: its network backend resolves the host itself,
checks every address, and connects to the address it checked, so there is no second DNS lookup a
rebinding DNS server could answer differently. TLS still verifies the certificate for the URL's
host name (httpcore sends the URL's host as SNI whatever address it connected to). Proxies from
the environment are ignored: a request through a proxy would reach an address no check has seen.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

from summarizer.errors import InputError

MAX_URL_CHARS = 2000


class BlockedAddress(Exception):
    """A connection refused by the SSRF rules: ``str()`` says the host, the address and why."""


def not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``address`` is refused (loopback, private ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for reason in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(address, f"is_{reason}"):
            return reason.replace("_", "-")
    # is_global also covers what the flags above miss, such as carrier-grade NAT (100.64.0.0/10).
    return None if address.is_global else "non-public"


def resolve_public(host: str, port: int | None, *, allow_private: bool) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order; ``BlockedAddress`` when any of
    them is not public (unless ``allow_private``), ``OSError`` when it does not resolve."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            reason = not_public(ipaddress.ip_address(address))
            if reason:
                raise BlockedAddress(f"host {host!r} resolves to {address}, a {reason} address")
    return addresses


def check_url(url: str, *, field: str, allow_private: bool, purpose: str) -> None:
    """Raise ``InputError`` naming ``field`` unless ``url`` is an absolute http(s) URL without
    credentials whose host resolves to public addresses only (the address test is skipped with
    ``allow_private``). ``purpose`` ends the refusal ("webhooks go to public addresses")."""
    if len(url) > MAX_URL_CHARS:
        raise InputError(f"{field} must be at most {MAX_URL_CHARS:,} characters; it has {len(url):,}", field=field)
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(f"{field} is not a valid URL: {exc}", field=field) from None
    if parsed.scheme not in ("http", "https"):
        raise InputError(f"{field} must be an absolute http:// or https:// URL; got {url!r}", field=field)
    if not parsed.raw_host:
        raise InputError(f"{field} must name a host (http://host/path); got {url!r}", field=field)
    if parsed.userinfo:
        raise InputError(f"{field} must not contain a user name or password (user:password@)", field=field)
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InputError(f"{field} has port {parsed.port}; a port is 1 to 65535", field=field)
    if allow_private:
        return
    host = parsed.raw_host.decode("ascii")
    try:
        resolve_public(host, parsed.port, allow_private=False)
    except (OSError, UnicodeError):
        raise InputError(f"{field} host {host!r} does not resolve to any address", field=field) from None
    except BlockedAddress as blocked:
        raise InputError(f"{field} {blocked}; {purpose}", field=field) from None


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving and checking the host itself before it connects."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve_public(host, port, allow_private=self.allow_private)
        except (OSError, UnicodeError) as error:
            raise httpcore.ConnectError(f"host {host!r} does not resolve: {error}") from None
        last: Exception | None = None
        for address in addresses:  # every one was checked; the first that answers is used
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        assert last is not None  # getaddrinfo answers at least one address or raises
        raise last


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(allow_private),
        )


def guarded_client(*, allow_private: bool, timeout_s: float, user_agent: str, max_redirects: int = 0) -> httpx.Client:
    """An httpx client whose every connection (each redirect hop included) obeys the SSRF rules;
    a refused connection raises ``BlockedAddress``. Redirects are followed only when
    ``max_redirects`` > 0, and httpx follows only http(s) ones."""
    return httpx.Client(
        transport=_GuardedTransport(allow_private),
        timeout=timeout_s,
        follow_redirects=max_redirects > 0,
        max_redirects=max(max_redirects, 0),
        headers={"User-Agent": user_agent},
        trust_env=False,
    )
