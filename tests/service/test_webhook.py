"""Webhooks: Stripe-style signatures, the SSRF check, and deliveries to a real local HTTP server."""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarizer.errors import InputError
from summarizer.service.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_TOLERANCE_S,
    check_callback_url,
    post,
    retry_delay_s,
    sign,
    verify,
)

BODY = b'{"job": "j1", "status": "done"}'
SECRET = "whsec_test"
T = 1_790_000_000


# --- sign / verify ---------------------------------------------------------------------------


def test_sign_known_answer() -> None:
    expected = hmac.new(b"whsec_test", b"1790000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET, T) == f"t=1790000000,v1={expected}"


def test_verify_round_trip() -> None:
    assert verify(BODY, sign(BODY, SECRET, T), SECRET, now=T + 10)


def test_verify_rejects_wrong_secret() -> None:
    assert not verify(BODY, sign(BODY, SECRET, T), "whsec_other", now=T)


def test_verify_rejects_changed_body() -> None:
    changed = BODY.replace(b"j1", b"j2")
    assert len(changed) == len(BODY) and changed != BODY
    assert not verify(changed, sign(BODY, SECRET, T), SECRET, now=T)


@pytest.mark.parametrize("now", [T + TIMESTAMP_TOLERANCE_S + 1, T - TIMESTAMP_TOLERANCE_S - 1])
def test_verify_rejects_timestamp_outside_tolerance(now: int) -> None:
    header = sign(BODY, SECRET, T)
    assert verify(BODY, header, SECRET, now=T + TIMESTAMP_TOLERANCE_S)
    assert not verify(BODY, header, SECRET, now=now)


@pytest.mark.parametrize(
    "header", ["", "v1=abc", "t=x,v1=y", "t=1790000000", "garbage", "t=1790000000,v1=é", "t=1,t=2,v1=a", "t=9" * 400]
)
def test_verify_rejects_malformed_header(header: str) -> None:
    assert verify(BODY, header, SECRET, now=T) is False


def test_verify_rejects_signature_for_another_timestamp() -> None:
    v1 = sign(BODY, SECRET, T).split("v1=")[1]
    assert not verify(BODY, f"t={T + 1},v1={v1}", SECRET, now=T)


def test_verify_accepts_any_of_several_v1() -> None:
    v1 = sign(BODY, SECRET, T).split("v1=")[1]
    assert verify(BODY, f"t={T},v1={'0' * 64},v1={v1}", SECRET, now=T)


# --- check_callback_url ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/x", "http"),
        ("file:///etc/passwd", "http"),
        ("http://", "host"),
        ("example.com/hook", "http"),
        ("http://user:pw@example.com/", "password"),
        ("http://127.0.0.1:8080/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
        ("http://10.0.0.5/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://no-such-host.invalid/", "does not resolve"),
        ("https://example.com:70000/", "port"),
        ("https://example.com/" + "a" * 1981, "2,000 characters"),
    ],
)
def test_check_callback_url_refuses(url: str, why: str) -> None:
    with pytest.raises(InputError) as caught:
        check_callback_url(url, allow_private=False)
    assert caught.value.field == "callback_url"
    assert "callback_url" in str(caught.value) and why in str(caught.value)


def test_check_callback_url_length_limit_is_2000() -> None:
    url = "https://93.184.216.34/" + "a" * 1978
    assert len(url) == 2000
    check_callback_url(url, allow_private=False)
    with pytest.raises(InputError):
        check_callback_url(url + "a", allow_private=False)


def test_check_callback_url_names_the_given_field() -> None:
    with pytest.raises(InputError) as caught:
        check_callback_url("http://10.0.0.5/", allow_private=False, field="jobs[0].callback_url")
    assert caught.value.field == "jobs[0].callback_url"


def test_check_callback_url_accepts_public_ip() -> None:
    check_callback_url("https://93.184.216.34/hook", allow_private=False)


def test_check_callback_url_allow_private_skips_the_address_check_only() -> None:
    check_callback_url("http://127.0.0.1:9/hook", allow_private=True)
    check_callback_url("http://no-such-host.invalid/", allow_private=True)  # no DNS lookup
    with pytest.raises(InputError):
        check_callback_url("ftp://127.0.0.1/", allow_private=True)


# --- post against a real local server --------------------------------------------------------


@dataclass
class Receiver:
    url: str
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200
    sleep_s: float = 0.0


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    """A ThreadingHTTPServer on 127.0.0.1 that records every request and answers ``receiver.status``."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append((self.path, dict(self.headers), body))
            time.sleep(state.sleep_s)
            self.send_response(state.status)
            if state.status in (301, 302, 307, 308):
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_post_delivers_a_signed_body(receiver: Receiver) -> None:
    delivery = post(receiver.url + "/hook", BODY, SECRET, attempt=1, allow_private=True, now=T)
    assert delivery.ok and delivery.status == 200 and delivery.error is None
    assert delivery.attempt == 1 and delivery.at == "2026-09-21T14:13:20Z" and delivery.duration_ms >= 0
    [(path, headers, body)] = receiver.requests
    assert path == "/hook" and body == BODY
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "summarizer-webhook/1"
    assert verify(body, headers[SIGNATURE_HEADER], SECRET, now=T)
    assert not verify(body, headers[SIGNATURE_HEADER], "whsec_other", now=T)


def test_post_signs_with_the_current_time(receiver: Receiver) -> None:
    assert post(receiver.url, BODY, SECRET, attempt=1, allow_private=True).ok
    assert verify(BODY, receiver.requests[0][1][SIGNATURE_HEADER], SECRET)


def test_post_non_2xx_is_a_failure(receiver: Receiver) -> None:
    receiver.status = 503
    delivery = post(receiver.url, BODY, SECRET, attempt=2, allow_private=True)
    assert not delivery.ok and delivery.status == 503 and delivery.attempt == 2
    assert delivery.error is not None and "503" in delivery.error


def test_post_does_not_follow_redirects(receiver: Receiver) -> None:
    receiver.status = 302
    delivery = post(receiver.url + "/hook", BODY, SECRET, attempt=1, allow_private=True)
    assert not delivery.ok and delivery.status == 302
    assert delivery.error is not None and "302" in delivery.error and "redirect" in delivery.error
    assert [path for path, _, _ in receiver.requests] == ["/hook"]


def test_post_timeout(receiver: Receiver) -> None:
    receiver.sleep_s = 2.0
    delivery = post(receiver.url, BODY, SECRET, attempt=1, allow_private=True, timeout_s=0.5)
    assert not delivery.ok and delivery.status is None
    assert delivery.error == "timeout after 0.5 s"
    assert delivery.duration_ms < 1900


def test_post_to_a_closed_port_is_a_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = post(f"http://127.0.0.1:{port}/", BODY, SECRET, attempt=1, allow_private=True, timeout_s=2)
    assert not delivery.ok and delivery.status is None and delivery.error


def test_post_blocks_private_url_without_sending(receiver: Receiver) -> None:
    delivery = post(receiver.url, BODY, SECRET, attempt=3, allow_private=False)
    assert not delivery.ok and delivery.status is None
    assert delivery.error is not None and delivery.error.startswith("blocked") and "loopback" in delivery.error
    assert receiver.requests == []


def test_post_blocks_unresolvable_host() -> None:
    delivery = post("http://no-such-host.invalid/", BODY, SECRET, attempt=1, allow_private=False)
    assert delivery.error is not None and delivery.error.startswith("blocked") and "does not resolve" in delivery.error


# --- retry_delay_s ---------------------------------------------------------------------------


def test_retry_delay_doubles_then_caps() -> None:
    assert [retry_delay_s(attempt) for attempt in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert retry_delay_s(8) == 256
    assert retry_delay_s(9) == 300
    assert retry_delay_s(10_000) == 300
