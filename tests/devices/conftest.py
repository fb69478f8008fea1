"""A real PC/SC stack for the card tests: a private ``pcscd --foreground`` whose only
readers are vpcd's virtual ones, on a free TCP port pair, stopped by its PID afterwards.

pcsc-lite 1.9.9's daemon ignores PCSCLITE_CSOCK_NAME (only the client library reads it), so
the daemon uses the default socket /run/pcscd/pcscd.comm: the fixture skips when another
pcscd is already running rather than disturb it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PID_FILE = Path("/run/pcscd/pcscd.pid")


@dataclass(frozen=True)
class PcscStack:
    pid: int
    port: int
    log_path: Path

    @property
    def readers(self) -> tuple[str, str]:
        return ("Virtual PCD 00 00", "Virtual PCD 00 01")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _other_pcscd_running() -> bool:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("0.0.0.0", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free TCP port pair")


def _readers() -> list[str]:
    from smartcard.System import readers

    try:
        return [str(r) for r in readers()]
    except Exception:
        return []


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscStack]:
    pytest.importorskip("smartcard", reason="pyscard is not installed")
    if os.geteuid() != 0:
        pytest.skip("the PC/SC tests start pcscd, which needs root (/run/pcscd)")
    binary = shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")
    if binary is None:
        pytest.skip("pcscd is not installed (apt-get install pcscd)")
    if not VPCD_DRIVER.exists():
        pytest.skip("vpcd is not installed (apt-get install vsmartcard-vpcd)")
    if _other_pcscd_running():
        pytest.skip("another pcscd is running; not touching it")
    folder = tmp_path_factory.mktemp("pcscd")
    conf = folder / "reader.conf.d"
    conf.mkdir()
    port = _free_port_pair()
    (conf / "vpcd").write_text(
        'FRIENDLYNAME "Virtual PCD"\n'
        f"DEVICENAME /dev/null:0x{port:X}\n"
        f"LIBPATH {VPCD_DRIVER}\n"
        f"CHANNELID 0x{port:X}\n"
    )
    log_path = folder / "pcscd.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [binary, "--foreground", "--info", "--apdu", "-c", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while len(_readers()) < 2:
            if process.poll() is not None:
                pytest.fail(f"pcscd exited with {process.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"pcscd did not show the vpcd readers:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield PcscStack(process.pid, port, log_path)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
