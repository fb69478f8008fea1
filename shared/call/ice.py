"""Where ICE may gather and send.

aioice offers every interface address except 127.0.0.1 and has no option to choose. A demo or
test on one machine must use loopback only (and a test host in a network namespace only its
own addresses), so the gathering function is swapped process-wide here, and remote candidates
outside the allowed networks are dropped from SDP before aiortc sees them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import aioice.ice
from aioice import stun

_gather_everywhere = aioice.ice.get_host_addresses
_answer_any_check = aioice.ice.Connection.request_received


@dataclass(frozen=True)
class IcePolicy:
    #: addresses to offer as host candidates; empty = every interface (aioice's default)
    host_addresses: tuple[str, ...] = ()
    #: networks remote candidates must be in; empty = any
    allowed_networks: tuple[str, ...] = ()

    @classmethod
    def loopback(cls) -> IcePolicy:
        return cls(host_addresses=("127.0.0.1",), allowed_networks=("127.0.0.0/8",))

    @classmethod
    def for_server(cls, server_url: str, loopback: bool | None = None) -> IcePolicy:
        """The one rule every side follows, so that two peers of one call never disagree: a
        server on this machine means both peers are here too, and they meet on loopback only
        (one side offering only 127.0.0.1 while the other accepts only its LAN address left
        the windowed demo renegotiating in a loop). ``loopback`` forces the choice."""
        host = urlparse(server_url).hostname or ""
        if loopback or (loopback is None and host in LOOPBACK_HOSTS):
            return cls.loopback()
        return cls()


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def apply_host_addresses(addresses: Sequence[str]) -> None:
    """Make aioice gather only ``addresses`` (or every interface when empty)."""
    if not addresses:
        aioice.ice.get_host_addresses = _gather_everywhere
        return
    chosen = list(addresses)

    def only_chosen(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = only_chosen


def apply_allowed_networks(networks: Sequence[str]) -> None:
    """Ignore connectivity checks from outside ``networks`` (or accept all when empty).

    Dropping remote candidates from the SDP is not enough: aioice answers a check from any
    address and learns it as a new remote candidate, so a peer checking from a LAN address
    would draw our media there."""
    if not networks:
        aioice.ice.Connection.request_received = _answer_any_check  # type: ignore[method-assign]
        return
    allowed = [ipaddress.ip_network(n) for n in networks]

    def from_allowed_only(
        connection: aioice.ice.Connection,
        message: stun.Message,
        addr: tuple[str, int],
        protocol: aioice.ice.StunProtocol,
    ) -> None:
        try:
            source = ipaddress.ip_address(addr[0])
        except ValueError:
            return
        if any(source in network for network in allowed):
            _answer_any_check(connection, message, addr, protocol)

    aioice.ice.Connection.request_received = from_allowed_only  # type: ignore[method-assign,assignment]


def filter_candidates(sdp: str, allowed_networks: Sequence[str]) -> str:
    """Drop ``a=candidate`` lines whose address is outside ``allowed_networks`` (mDNS
    ``.local`` names included: resolving them would multicast on the LAN)."""
    if not allowed_networks:
        return sdp
    networks = [ipaddress.ip_network(n) for n in allowed_networks]
    kept = []
    for line in sdp.splitlines():
        if line.startswith("a=candidate:"):
            parts = line.split()
            address = parts[4] if len(parts) > 4 else ""
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                continue
            if not any(ip in network for network in networks):
                continue
        kept.append(line)
    return "\r\n".join(kept) + "\r\n"
