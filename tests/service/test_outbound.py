"""The SSRF guard every outbound request goes through: the connection is made to the address that
was checked, so a DNS answer that changes after the check (rebinding) cannot lead inside."""

from __future__ import annotations

import socket

import pytest
from web import WebServer, public_stand_in

from summarizer.errors import InputError
from summarizer.service.outbound import BlockedAddress, check_url, guarded_client
from summarizer.service.webhook import post

_real_getaddrinfo = socket.getaddrinfo


def _dns(monkeypatch: pytest.MonkeyPatch, host: str, *answers: str) -> list[str]:
    """``host`` resolves to ``answers`` in turn (the last one from then on); returns the log of lookups."""
    asked: list[str] = []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return _real_getaddrinfo(name, port, *args, **kwargs)
        address = answers[min(len(asked), len(answers) - 1)]
        asked.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 80))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_the_client_connects_to_the_address_it_checked_and_sends_the_host_name(monkeypatch):
    public_stand_in(monkeypatch, "127.0.0.2")
    with WebServer("127.0.0.2").running() as server:
        server.page("/a", "<p>hello</p>")
        port = server.base.rsplit(":", 1)[1]
        asked = _dns(monkeypatch, "news.test", "127.0.0.2")
        with guarded_client(allow_private=False, timeout_s=5, user_agent="t") as client:
            response = client.get(f"http://news.test:{port}/a")
        assert response.text == "<p>hello</p>" and asked == ["127.0.0.2"]  # one lookup, no second one
        ((_, headers),) = server.requests
        assert headers["Host"] == f"news.test:{port}"


def test_a_host_that_rebinds_to_loopback_after_the_check_is_never_reached(monkeypatch):
    public_stand_in(monkeypatch, "127.0.0.2")
    with WebServer("127.0.0.1").running() as inside:
        inside.page("/hook", "<p>internal</p>")
        port = inside.base.rsplit(":", 1)[1]
        url = f"http://rebind.test:{port}/hook"
        asked = _dns(monkeypatch, "rebind.test", "127.0.0.2", "127.0.0.1")
        check_url(url, field="callback_url", allow_private=False, purpose="")  # the first answer passes
        delivery = post(url, b"{}", "secret", attempt=1, allow_private=False)
        assert delivery.status is None and delivery.error.startswith("blocked:") and "loopback" in delivery.error
        with guarded_client(allow_private=False, timeout_s=5, user_agent="t") as client, pytest.raises(BlockedAddress):
            client.get(url)
        assert inside.requests == [] and asked[0] == "127.0.0.2" and set(asked[1:]) == {"127.0.0.1"}


def test_allow_private_reaches_loopback():
    with WebServer().running() as server:
        url = server.page("/a", "<p>hi</p>")
        with guarded_client(allow_private=True, timeout_s=5, user_agent="t") as client:
            assert client.get(url).status_code == 200
        with guarded_client(allow_private=False, timeout_s=5, user_agent="t") as client, pytest.raises(BlockedAddress):
            client.get(url)
        with pytest.raises(InputError, match="loopback"):
            check_url(url, field="f", allow_private=False, purpose="links are fetched from public addresses only")
