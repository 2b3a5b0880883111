"""The client's address behind reverse proxies, for login rate limiting (AXES_CLIENT_IP_CALLABLE).

X-Forwarded-For is a list each proxy appends its peer to, so only the part written by proxies we trust can be
believed: walk it from the right, past the trusted proxies (STIGAR_TRUSTED_PROXIES), and take the first address
that is not one of them. A request that does not come from a trusted proxy is judged by REMOTE_ADDR alone, whatever
header it sends: otherwise anyone could pick the address their failed logins are counted against."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_trusted_proxies(entries: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR blocks (`10.0.0.1`, `10.0.0.0/8`, `::1`); ValueError names an entry that is neither."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise ValueError(
                f"STIGAR_TRUSTED_PROXIES: {text!r} is not an IP address or CIDR block"
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(entries)


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str | None:
    """The right-most address of X-Forwarded-For that is not a trusted proxy, when the request comes from one."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(getattr(settings, "STIGAR_TRUSTED_PROXIES", ())))
    peer = _address(remote or "")
    if not networks or peer is None or not _trusted(peer, networks):
        return remote  # type: ignore[no-any-return]
    client = peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address: no trusted proxy wrote it, so the last one we could believe stands.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
