"""``vwindow kiosk selftest`` from a kiosk.toml, as IT staff run it after installing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import Seed, TestServer


async def selftest(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run it as a separate process while this event loop keeps serving the test server."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vwindow",
        "kiosk",
        "selftest",
        "--config",
        str(config),
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode is not None
    return subprocess.CompletedProcess([], process.returncode, out.decode(), err.decode())


def write_config(tmp_path: Path, server: str, credential: str, camera: str = "") -> Path:
    (tmp_path / "kiosk.credential").write_text(credential + "\n", encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nserver = "{server}"\ncredential_file = "kiosk.credential"\n'
        f'[devices]\ncard_reader = "simulated"\nscanner = "simulated"\n'
        f'printer = "pdf:{tmp_path}/receipt-{{case_number}}.pdf"\ncamera = "{camera}"\n',
        encoding="utf-8",
    )
    return config


async def test_all_checks_pass_against_a_real_server(
    server: TestServer, seeded: Seed, tmp_path: Path
) -> None:
    config = write_config(tmp_path, server.url, seeded.kiosk_credentials[0])
    result = await selftest(config, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    names = " ".join(c["check"] for c in report["checks"])
    for expected in ("card reader", "scanner", "receipt printer", "server", "enrollment"):
        assert expected in names


async def test_failures_are_one_plain_line_each_and_exit_non_zero(
    server: TestServer, seeded: Seed, tmp_path: Path
) -> None:
    config = write_config(tmp_path, server.url, "vk_not-enrolled", camera="/dev/video-none")
    result = await selftest(config)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("✗") and "camera" in line and "cannot be opened" in line for line in lines
    )
    assert any(line.startswith("✗") and "enrollment" in line for line in lines)
    assert any(line.startswith("✓") and "server" in line for line in lines)


async def test_missing_credential_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\ncredential_file = "missing"\n', encoding="utf-8")
    result = await selftest(config)
    assert result.returncode == 2 and "enroll the kiosk first" in result.stderr
