"""A real coturn on 127.0.0.1 with ``use-auth-secret``, for tests that need TURN."""

from __future__ import annotations

import random
import secrets
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SECRET = "coturn-test-secret"


@dataclass(frozen=True)
class Coturn:
    host: str
    port: int
    secret: str

    @property
    def url(self) -> str:
        return f"turn:{self.host}:{self.port}"


def _free(port: int) -> bool:
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports free for both UDP and TCP (coturn listens on
    both, and on the port after its listening port too)."""
    for _ in range(200):
        first = random.randint(20000, 60000 - count)
        if all(_free(first + n) for n in range(count)):
            return first
    raise RuntimeError("no free port range on 127.0.0.1")


def _answers_stun(port: int) -> bool:
    """Send a STUN Binding request; coturn answers once its UDP listener is up."""
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + secrets.token_bytes(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.settimeout(0.1)
        probe.sendto(request, ("127.0.0.1", port))
        try:
            reply = probe.recv(2048)
        except OSError:
            return False
    return reply[:2] == b"\x01\x01"


def start_coturn(workdir: Path) -> Iterator[Coturn]:
    binary = shutil.which("turnserver")
    if binary is None:
        pytest.skip("coturn is not installed (scripts/bootstrap installs it)")
    port = _free_ports(2)
    relay = _free_ports(21)
    log = workdir / "coturn.log"
    config = workdir / "turnserver.conf"
    config.write_text(
        "\n".join(
            [
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                f"listening-port={port}",
                f"min-port={relay}",
                f"max-port={relay + 20}",
                "realm=vwindow.test",
                "use-auth-secret",
                f"static-auth-secret={SECRET}",
                "fingerprint",
                "no-tls",
                "no-dtls",
                "no-cli",
                "no-multicast-peers",
                "allow-loopback-peers",
                f"log-file={log}",
                "simple-log",
                f"pidfile={workdir / 'coturn.pid'}",
                f"userdb={workdir / 'turndb'}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-c", str(config), "--no-stdout-log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers_stun(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"coturn did not start: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Coturn("127.0.0.1", port, SECRET)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
