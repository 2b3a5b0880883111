"""The client address behind proxies (portal/client_ip.py, STIGAR_TRUSTED_PROXIES): what login rate limiting counts."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings

from portal.client_ip import client_ip, parse_trusted_proxies
from tests.factories import user_with_role

PASSWORD = "correct-horse-battery-staple"


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=remote)
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@override_settings(STIGAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() -> None:
    assert client_ip(_request("198.51.100.7", "203.0.113.9, 10.0.0.5")) == "198.51.100.7"


@override_settings(STIGAR_TRUSTED_PROXIES=["10.0.0.0/8", "192.0.2.10"])
def test_the_right_most_untrusted_address_through_a_chain_of_trusted_proxies() -> None:
    # The client wrote "1.2.3.4" itself; 203.0.113.9 is what the first trusted proxy (192.0.2.10) saw.
    request = _request("10.0.0.2", "1.2.3.4, 203.0.113.9, 192.0.2.10")
    assert client_ip(request) == "203.0.113.9"


@override_settings(STIGAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_without_a_header_is_the_client_and_garbage_stops_the_walk() -> None:
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2", "not-an-address, 10.0.0.3")) == "10.0.0.3"
    assert client_ip(_request("10.0.0.2", "[2001:db8::1]:4711")) == "2001:db8::1"


def test_a_wrong_entry_is_named() -> None:
    assert [str(n) for n in parse_trusted_proxies(["10.0.0.1", " fd00::/8 ", ""])] == [
        "10.0.0.1/32",
        "fd00::/8",
    ]
    with pytest.raises(ValueError, match=r"'10\.0\.0\.300'"):
        parse_trusted_proxies(["10.0.0.300"])


def _login_through_the_proxy(client: Client, password: str, client_address: str) -> int:
    """Post the login form as it reaches the portal from the proxy 10.0.0.1 for `client_address`; the status."""
    response = client.post(
        "/accounts/login/",
        {"username": "partner", "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=client_address,
    )
    return response.status_code


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, STIGAR_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_the_proxy_one_client_is_locked_out_and_another_is_not(client: Client) -> None:
    user_with_role("partner", username="partner")
    for _ in range(3):
        _login_through_the_proxy(client, "wrong", "203.0.113.9")
    assert _login_through_the_proxy(client, PASSWORD, "203.0.113.9") == 429
    assert _login_through_the_proxy(client, PASSWORD, "198.51.100.20") == 302
