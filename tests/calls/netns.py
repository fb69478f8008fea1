"""A test host in a network namespace, joined to the root namespace by a veth pair, and real
outages on that link: every packet dropped on both ends (``tc netem loss 100%``, or where the
kernel has no netem, as here, a ``clsact`` egress filter whose classic-BPF program drops
everything), or the link taken down (no carrier).

Only private addresses in 10.213.0.0/16 that this module assigns inside namespaces it created
are ever used, and everything is removed again by :meth:`VethLink.destroy`.
"""

from __future__ import annotations

import ipaddress
import os
import random
import secrets
import shutil
import subprocess
from dataclasses import dataclass

POOL = ipaddress.ip_network("10.213.0.0/16")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10, check=check)


#: classic BPF "ret #2": TC_ACT_SHOT for every packet, in direct-action mode
DROP_ALL_BPF = "1,6 0 0 2,"


def _tc(*args: str, netns: str | None = None, check: bool = True) -> bool:
    command = ["tc", *args]
    if netns is not None:
        command = ["ip", "netns", "exec", netns, *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
    return done.returncode == 0


def unavailable_reason() -> str | None:
    """Why namespace tests cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "network-namespace tests need root (ip netns, veth, tc)"
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            return f"network-namespace tests need `{tool}` (iproute2)"
    # every step the tests take, on a throwaway namespace: where one of them fails (a container
    # without the rights, a chroot that is not a mount point) the tests skip with its error
    tag = secrets.token_hex(3)
    probe, host_if, ns_if = f"vwprobe{tag}", f"vwph{tag}", f"vwpn{tag}"
    steps = (
        ["netns", "add", probe],
        ["link", "add", host_if, "type", "veth", "peer", "name", ns_if],
        ["link", "set", ns_if, "netns", probe],
        ["link", "set", host_if, "up"],
        ["-n", probe, "link", "set", ns_if, "up"],
        ["-n", probe, "link", "set", "lo", "up"],
        ["netns", "exec", probe, "ip", "-o", "link", "show", ns_if],
    )
    try:
        for step in steps:
            try:
                done = _ip(*step, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"network-namespace tests cannot run here: `ip {' '.join(step)}`: {exc}"
            if done.returncode != 0:
                return (
                    f"network-namespace tests cannot run here: `ip {' '.join(step)}` failed: "
                    f"{done.stderr.strip() or done.returncode}"
                )
    finally:
        _ip("netns", "del", probe, check=False)
        _ip("link", "del", host_if, check=False)
    return None


def _addresses_in_use() -> set[ipaddress.IPv4Network]:
    shown = _ip("-o", "-4", "addr", "show").stdout.split()
    used = set()
    for word in shown:
        if "/" in word and word[0].isdigit():
            try:
                used.add(ipaddress.ip_interface(word).network)
            except ValueError:
                continue
    return used


def _free_subnet() -> ipaddress.IPv4Network:
    used = _addresses_in_use()
    subnets = list(POOL.subnets(new_prefix=30))
    for _ in range(200):
        subnet = random.choice(subnets)
        if not any(subnet.overlaps(other) for other in used):
            return subnet
    raise RuntimeError(f"no free /30 in {POOL}")


@dataclass
class VethLink:
    """The root namespace holds ``host_if``/``host_ip``; namespace ``ns`` holds
    ``ns_if``/``ns_ip``."""

    ns: str
    host_if: str
    ns_if: str
    subnet: ipaddress.IPv4Network
    cut_mode: str = ""

    @property
    def host_ip(self) -> str:
        return str(self.subnet[1])

    @property
    def ns_ip(self) -> str:
        return str(self.subnet[2])

    @property
    def network(self) -> str:
        return str(self.subnet)

    def exec_prefix(self) -> list[str]:
        """Prefix a command with this to run it inside the namespace."""
        return ["ip", "netns", "exec", self.ns]

    @classmethod
    def create(cls) -> VethLink:
        tag = secrets.token_hex(3)
        link = cls(f"vwtest-{tag}", f"vwh{tag}", f"vwn{tag}", _free_subnet())
        _ip("netns", "add", link.ns)
        try:
            _ip("link", "add", link.host_if, "type", "veth", "peer", "name", link.ns_if)
            _ip("link", "set", link.ns_if, "netns", link.ns)
            _ip("addr", "add", f"{link.host_ip}/30", "dev", link.host_if)
            _ip("link", "set", link.host_if, "up")
            inside = ["-n", link.ns]
            _ip(*inside, "addr", "add", f"{link.ns_ip}/30", "dev", link.ns_if)
            _ip(*inside, "link", "set", link.ns_if, "up")
            _ip(*inside, "link", "set", "lo", "up")
        except BaseException:
            link.destroy()
            raise
        return link

    def _ends(self) -> tuple[tuple[str, str | None], ...]:
        return ((self.host_if, None), (self.ns_if, self.ns))

    def cut(self, mode: str = "loss") -> None:
        """``loss``: every packet on the link is dropped silently, both ways (a cable cut
        further upstream); ``down``: the link goes down (an unplugged cable: no carrier)."""
        if mode == "loss":
            for dev, netns in self._ends():
                if _tc(
                    "qdisc",
                    "add",
                    "dev",
                    dev,
                    "root",
                    "netem",
                    "loss",
                    "100%",
                    netns=netns,
                    check=False,
                ):
                    self.cut_mode = "netem"
                    continue
                _tc("qdisc", "add", "dev", dev, "clsact", netns=netns)
                _tc(
                    "filter",
                    "add",
                    "dev",
                    dev,
                    "egress",
                    "bpf",
                    "da",
                    "bytecode",
                    DROP_ALL_BPF,
                    netns=netns,
                )
                self.cut_mode = "bpf"
        elif mode == "down":
            _ip("link", "set", self.host_if, "down")
            self.cut_mode = mode
        else:
            raise ValueError(mode)

    def restore(self) -> None:
        for dev, netns in self._ends():
            _tc("qdisc", "del", "dev", dev, "root", netns=netns, check=False)
            _tc("qdisc", "del", "dev", dev, "clsact", netns=netns, check=False)
        if self.cut_mode == "down":
            _ip("link", "set", self.host_if, "up")
        self.cut_mode = ""

    def check_cut_available(self) -> str | None:
        """Why a silent cut cannot be made on this kernel, or None."""
        try:
            self.cut("loss")
        except RuntimeError as exc:
            return f"neither tc netem nor a tc bpf drop filter works here: {exc}"
        finally:
            self.restore()
        return None

    def destroy(self) -> None:
        """Deleting the namespace deletes its veth end, which deletes the pair."""
        _ip("netns", "del", self.ns, check=False)
        _ip("link", "del", self.host_if, check=False)
