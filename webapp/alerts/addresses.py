"""Which IP addresses a webhook may connect to: the SSRF check of every resolved address.

Threat model: a user names a webhook URL whose host is (or resolves to) an address inside the
deployment (loopback, the private network, the cloud metadata service) and reads the answer in
the delivery log. Every address the host resolves to is judged, at save time and again at send
time (the request connects to a checked address, never to a second lookup).

IPv6 can carry an IPv4 address inside it, and a host that routes those forms reaches the
embedded IPv4 address: IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``
(deprecated), 6to4 ``2002:AABB:CCDD::/48``, Teredo ``2001:0::/32`` (server and obfuscated
client) and NAT64 ``64:ff9b::a.b.c.d``. ``2002:7f00:1::`` is 127.0.0.1 to a 6to4 relay on the
same host, and Python's ``is_global`` calls it global. So the embedded addresses are judged
first, like any IPv4 address; a mapped or NAT64 address is then judged by its embedded address
alone (NAT64 of a public address is how IPv6-only networks reach IPv4 hosts).

Reason codes (also in the README's table of refusals): ``loopback``, ``private``,
``link-local``, ``multicast``, ``reserved``, ``unspecified``, ``non-public``.
"""
from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, each with the name of its form."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if ip.ipv4_mapped is not None:
        found.append(("IPv4-mapped", ip.ipv4_mapped))
    if ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo is not None:
        server, client = ip.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in NAT64:
        found.append(("NAT64", low32))
    elif ip in IPV4_COMPATIBLE and int(ip) > 1:  # not :: (unspecified) or ::1 (loopback)
        found.append(("IPv4-compatible", low32))
    return found


def _flags_refused(ip: IPAddress) -> str | None:
    # The most specific first: 169.254.0.0/16 is link-local and private, ::1 reserved too.
    for reason, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                         ("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                         ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if flag:
            return reason
    if not ip.is_global:
        return "non-public"
    return None


def address_refused(address: str) -> str | None:
    """Why a webhook may not connect to ``address`` (a reason, see above), or ``None``.

    For an address with an embedded IPv4 address that is refused, the reason names it:
    ``"loopback (6to4 of 127.0.0.1)"``.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _flags_refused(ip)
    embedded = embedded_ipv4(ip)
    for form, inner in embedded:
        reason = _flags_refused(inner)
        if reason:
            return f"{reason} ({form} of {inner})"
    if embedded and embedded[0][0] in ("IPv4-mapped", "NAT64"):
        return None  # the embedded address is the destination, and it is public
    return _flags_refused(ip)
