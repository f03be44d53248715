"""Which addresses the server may send requests to: one policy for webhooks and page fetches.

Any request the server makes on someone's behalf (a webhook an admin registered, a page or feed
an editor named) could be aimed at the server's own network: its loopback services, the
private network behind it, or the cloud metadata service that hands out credentials (SSRF).
So every destination is judged twice: its name and literal address before anything is sent,
and every address its name resolves to when the connection is made (see fetcher.py: the
check runs inside the socket connect, after DNS resolution and for every redirect). Only
public (globally routable) addresses pass, unless a deployment names a host or network in
FETCH_ALLOW_HOSTS.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud metadata services (AWS, GCP, Azure, Alibaba, Oracle...): they hand out credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "100.100.100.200",
        "fd00:ec2::254",
        "168.63.129.16",
        "192.0.0.192",
    )
)
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_WEB_URL = re.compile(r"https?://[^\s/?#]+\S*", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    """Return True if URL is an http:// or https:// address with a host and no white space.

    The one test of "is this a web address" for every form and API field that takes one.
    """
    if _WEB_URL.fullmatch(url) is None:
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        host, _port = parts.hostname, parts.port  # .port checks the port is a number in range
    except ValueError:  # a bad port or a broken IPv6 literal
        return False
    return bool(host)


class Refused(Exception):
    """The destination is not allowed; the message says why, for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _plain(ip: IPAddress) -> IPAddress:
    """Return the IPv4 address an IPv6 address carries (mapped, 6to4, Teredo), else IP."""
    if isinstance(ip, ipaddress.IPv6Address):
        for embedded in (ip.ipv4_mapped, ip.sixtofour, ip.teredo and ip.teredo[1]):
            if embedded:
                return embedded
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 carries the IPv4 at the end
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_kind(ip: IPAddress) -> str | None:
    """Return what kind of non-public address IP is ("loopback", "private", ...), or None."""
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    plain = _plain(ip)
    if plain is not ip:
        if plain in METADATA_ADDRESSES:
            return "cloud metadata"
        ip = plain
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unique-local", isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, matches in checks if matches), None)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """Public addresses only, plus the host names and networks a deployment allows."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def from_setting(cls, value: str | Iterable[str] | None) -> OutboundPolicy:
        """Build the policy from FETCH_ALLOW_HOSTS: names, addresses or networks (a, b/16)."""
        items = value.split(",") if isinstance(value, str) else list(value or ())
        names, networks = set(), []
        for item in (str(i).strip().strip("[]").lower().rstrip(".") for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                names.add(item)
        return cls(frozenset(names), tuple(networks))

    def _allowed_address(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.allowed_networks)

    def check_address(self, host: str, address: str) -> None:
        """Raise Refused unless ADDRESS (what HOST resolved to) may be connected to."""
        ip = _literal(address)
        if ip is None:
            raise Refused(f"{host} resolved to {address}, which is not an IP address")
        if host.lower().rstrip(".") in self.allowed_names or self._allowed_address(ip):
            return
        kind = address_kind(ip)
        if kind is not None:
            raise Refused(
                f"{address} is a {kind} address"
                if host == address
                else f"{host} resolves to {address}, a {kind} address"
            )

    def check_url(self, url: str) -> str:
        """Return URL's host after checking what can be checked without DNS; raise Refused."""
        try:
            parts = urllib.parse.urlsplit(url)
            _ = parts.port  # raises ValueError for a malformed port
        except ValueError as exc:
            raise Refused(f"the address is malformed: {exc}") from exc
        if parts.scheme.lower() not in ("http", "https"):
            raise Refused("only http:// and https:// addresses can be fetched")
        if parts.username is not None or parts.password is not None:
            raise Refused("a user name or password in the address would be sent in clear")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            raise Refused("the address has no host")
        if host in self.allowed_names:
            return host
        if host in METADATA_HOSTS:
            raise Refused(f"{host} is a cloud metadata service")
        if _literal(host) is not None:
            self.check_address(host, host)
        return host

    def resolve(self, host: str, port: int) -> list[str]:
        """Return the addresses HOST resolves to, each checked; raise Refused or OSError."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:  # one bad address refuses the host: DNS picks the order
            self.check_address(host, address)
        return addresses
