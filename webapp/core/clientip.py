"""The client's address behind trusted reverse proxies (nginx -> gunicorn).

Behind a proxy every request's ``REMOTE_ADDR`` is the proxy's, so anything keyed on it (the
login lockout, the API's anonymous throttle) would treat all clients as one. The proxy appends
the address it saw to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), after
whatever the client sent in that header itself.

Threat model: a client controls every ``X-Forwarded-For`` entry except those appended by
proxies we run. So the header is read only when the peer (``REMOTE_ADDR``) is one of
``VIGIL_TRUSTED_PROXIES`` (networks), and then from the right: trusted hops are skipped and
the first untrusted entry is the client. With no trusted proxies (the default, and a server
reached directly) the header is ignored: a client cannot pick the address it is locked out or
throttled as. An entry that is not an IP address ends the walk (the last good hop is used).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.conf import settings

MAX_ADDRESS_CHARS = 45


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                 ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False)
                 for proxy in proxies if proxy.strip())


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip().strip("[]")
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    return ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
             networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def address_in(address: str, networks: Iterable[str]) -> bool:
    """Whether ``address`` (an IP address as text) lies in one of ``networks``."""
    ip = _parse(address[:MAX_ADDRESS_CHARS])
    return ip is not None and _trusted(ip, _networks(tuple(networks)))


def peer_is_trusted_proxy(meta: Mapping[str, object]) -> bool:
    """Whether the peer (``REMOTE_ADDR``) is one of ``VIGIL_TRUSTED_PROXIES``."""
    return address_in(str(meta.get("REMOTE_ADDR") or ""), settings.VIGIL_TRUSTED_PROXIES)


def client_ip(meta: Mapping[str, object], *, trusted_proxies: Iterable[str] | None = None) -> str:
    """The client's address for a request's ``META`` (``""`` when unknown)."""
    remote = str(meta.get("REMOTE_ADDR") or "")[:MAX_ADDRESS_CHARS]
    networks = _networks(tuple(settings.VIGIL_TRUSTED_PROXIES if trusted_proxies is None
                               else trusted_proxies))
    peer = _parse(remote)
    if peer is None or not networks:
        return remote

    if not _trusted(peer, networks):
        return remote
    client = peer
    hops = str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            break
        client = ip
        if not _trusted(ip, networks):
            break
    return str(client)[:MAX_ADDRESS_CHARS]
