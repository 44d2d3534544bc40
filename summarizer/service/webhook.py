"""Job-completion webhooks: signed POSTs to a caller's URL, refused when it points inside our network.

Contract:

- Signature: Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually). The header
  ``X-Summarizer-Signature: t=<unix seconds>,v1=<hex>`` carries the HMAC-SHA256, keyed with the
  job's secret (UTF-8), of ``f"{t}.".encode() + body``. A receiver recomputes it, compares in
  constant time and refuses a ``t`` more than ``TIMESTAMP_TOLERANCE_S`` away from its clock
  (a captured delivery cannot be replayed later).
- Destination: the OWASP SSRF Prevention Cheat Sheet
  (https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
  Only absolute http(s) URLs without credentials; every address the host resolves to must be public
  (no loopback, private, link-local such as the cloud metadata 169.254.169.254, multicast, reserved
  or unspecified, IPv4-mapped IPv6 included), checked when the job is accepted and again before each
  attempt. Redirects are never followed. The URL is parsed by httpx, the client that sends it, so
  the check and the request cannot disagree about the host.
- Limit: the address is checked, then httpx resolves the host again to connect, so a DNS server
  that answers differently within that instant (rebinding) is not stopped; pinning the connection
  to the checked address would close it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from summarizer.errors import InputError

SIGNATURE_HEADER = "X-Summarizer-Signature"
TIMESTAMP_TOLERANCE_S = 300
MAX_URL_CHARS = 2000
USER_AGENT = "summarizer-webhook/1"
MAX_RETRY_DELAY_S = 300.0


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header's value: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body>``."""
    return f"t={timestamp},v1={_digest(body, secret, timestamp)}"


def _digest(body: bytes, secret: str, timestamp: int) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(
    body: bytes, header: str, secret: str, *, now: float | None = None, tolerance_s: int = TIMESTAMP_TOLERANCE_S
) -> bool:
    """True when a ``v1`` in ``header`` signs ``body`` and its ``t`` is within ``tolerance_s`` of now; never raises."""
    try:
        pairs = [item.split("=", 1) for item in header.split(",")]
        timestamps = [value for key, value in pairs if key.strip() == "t"]
        signatures = [value.strip() for key, value in pairs if key.strip() == "v1"]
        if len(timestamps) != 1 or not signatures:
            return False
        timestamp = int(timestamps[0])
        if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
            return False
        expected = _digest(body, secret, timestamp).encode()
        # Every v1 is tried, as Stripe's receivers do, so a sender can sign with old and new secret while rotating.
        return any(hmac.compare_digest(expected, signature.encode()) for signature in signatures)
    except (ValueError, TypeError, AttributeError, OverflowError):
        return False


def check_callback_url(url: str, *, allow_private: bool, field: str = "callback_url") -> None:
    """Raise InputError unless ``url`` is an absolute http(s) URL, without credentials, to public addresses only."""
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
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise InputError(f"{field} host {host!r} does not resolve to any address", field=field) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]))
        reason = _not_public(address)
        if reason:
            raise InputError(
                f"{field} host {host!r} resolves to {address}, a {reason} address; webhooks go to public addresses",
                field=field,
            )


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``address`` is refused (loopback, private ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for reason in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(address, f"is_{reason}"):
            return reason.replace("_", "-")
    # is_global also covers what the flags above miss, such as carrier-grade NAT (100.64.0.0/10).
    return None if address.is_global else "non-public"


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt and its outcome."""

    attempt: int  # 1-based
    at: str  # ISO 8601 UTC time the attempt started, e.g. 2026-11-25T04:10:00Z
    status: int | None  # the HTTP status answered, None if no answer
    error: str | None  # why it failed ("refused: 503", "timeout after 10 s", "blocked: ..."), None if ok
    duration_ms: int

    @property
    def ok(self) -> bool:
        """The receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


def post(
    url: str,
    body: bytes,
    secret: str,
    *,
    attempt: int,
    allow_private: bool,
    timeout_s: float = 10.0,
    now: float | None = None,
) -> Delivery:
    """One signed delivery attempt; blocked URLs, network errors, timeouts and non-2xx answers are failed Deliveries."""
    started_at = time.time() if now is None else now
    at = datetime.fromtimestamp(started_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        # Again at each attempt: the host's DNS may have changed since the job was accepted.
        check_callback_url(url, allow_private=allow_private)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, secret, int(started_at)),
            "User-Agent": USER_AGENT,
        }
        # Streamed and never read: the receiver's answer body is not needed and could be huge.
        with (
            httpx.Client(timeout=timeout_s, follow_redirects=False) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            status = response.status_code
        if 300 <= status < 400:
            # A redirect could lead to an internal address the check never saw.
            error = f"refused: {status} redirect (redirects are not followed)"
        elif not 200 <= status < 300:
            error = f"refused: {status}"
    except InputError as exc:
        error = f"blocked: {exc}"
    except httpx.TimeoutException:
        error = f"timeout after {timeout_s:g} s"
    except httpx.HTTPError as exc:
        error = f"failed: {type(exc).__name__}: {exc}"
    return Delivery(attempt, at, status, error, round((time.monotonic() - started) * 1000))


def retry_delay_s(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): 2, 4, 8, 16 ... capped at 300."""
    return min(MAX_RETRY_DELAY_S, 2.0 ** min(max(attempt, 1), 16))
