"""Job-completion webhooks: signed POSTs to a caller's URL, refused when it points inside our network.

Contract:

- Signature: Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually). The header
  ``X-Summarizer-Signature: t=<unix seconds>,v1=<hex>`` carries the HMAC-SHA256, keyed with the
  job's secret (UTF-8), of ``f"{t}.".encode() + body``. A receiver recomputes it, compares in
  constant time and refuses a ``t`` more than ``TIMESTAMP_TOLERANCE_S`` away from its clock
  (a captured delivery cannot be replayed later).
- Destination: ``outbound.py``'s SSRF rules (http(s) only, no credentials, every address the host
  resolves to public), checked when the job is accepted and, by the connection itself, at each
  attempt: the client connects to the address it checked, so a DNS answer that changes between
  check and connection (rebinding) cannot lead it inside. Redirects are never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from summarizer.errors import InputError
from summarizer.service.outbound import BlockedAddress, check_url, guarded_client

SIGNATURE_HEADER = "X-Summarizer-Signature"
TIMESTAMP_TOLERANCE_S = 300
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
    check_url(url, field=field, allow_private=allow_private, purpose="webhooks go to public addresses")


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
        }
        # Streamed and never read: the receiver's answer body is not needed and could be huge.
        with (
            guarded_client(allow_private=allow_private, timeout_s=timeout_s, user_agent=USER_AGENT) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            status = response.status_code
        if 300 <= status < 400:
            # A redirect could lead to an internal address the check never saw.
            error = f"refused: {status} redirect (redirects are not followed)"
        elif not 200 <= status < 300:
            error = f"refused: {status}"
    except (InputError, BlockedAddress) as exc:
        error = f"blocked: {exc}"
    except httpx.TimeoutException:
        error = f"timeout after {timeout_s:g} s"
    except httpx.HTTPError as exc:
        error = f"failed: {type(exc).__name__}: {exc}"
    return Delivery(attempt, at, status, error, round((time.monotonic() - started) * 1000))


def retry_delay_s(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): 2, 4, 8, 16 ... capped at 300."""
    return min(MAX_RETRY_DELAY_S, 2.0 ** min(max(attempt, 1), 16))
