"""``vwindow serve``, ``vwindow kiosk --headless`` and ``vwindow console --headless`` as three
separate processes, the way they run on three machines."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signaling.store.db import Database
from signaling.store.repo import Store
from vwindow.demo import DEMO_PASSWORD, seed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _vwindow(*args: str, stdin: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vwindow", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_listening(port: int, server: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.communicate()[1]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.mark.timeout(180)
def test_kiosk_and_console_headless_against_a_server(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'vwindow.db'}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"

    async def prepare() -> str:
        database = Database(db)
        try:
            await database.migrate()
            data = await seed(Store(database), tmp_path, url)
            return data.kiosk_credential
        finally:
            await database.close()

    asyncio.run(prepare())
    server = _vwindow(
        "serve", "--database-url", db, "--data-dir", str(tmp_path), "--port", str(port)
    )
    try:
        _wait_listening(port, server)
        console = _vwindow(
            "console",
            "--headless",
            "--server",
            url,
            "--username",
            "clerk",
            "--password-stdin",
            stdin=DEMO_PASSWORD,
        )
        kiosk = _vwindow(
            "kiosk",
            "--headless",
            "--server",
            url,
            "--credential-file",
            str(tmp_path / "kiosk.credential"),
        )
        # both run at once; the console waits for the kiosk's resident to finish
        console_out, console_err = console.communicate(DEMO_PASSWORD + "\n", timeout=120)
        kiosk_out, kiosk_err = kiosk.communicate(timeout=60)
        assert kiosk.returncode == 0, kiosk_out + kiosk_err
        assert console.returncode == 0, console_out + console_err
        kiosk_summary = json.loads(kiosk_out.strip().splitlines()[-1])
        console_summary = json.loads(console_out.strip().splitlines()[-1])
        assert kiosk_summary["outcome"] == "accepted" and kiosk_summary["pages"] == 4
        assert console_summary["pages"] == 4 and console_summary["rating"] == 5
        assert console_summary["case_number"] == kiosk_summary["case_number"]
        assert console_summary["card"] == "110***********002X"
        # transcripts never show the resident's ID number in full
        assert "11010519491231002X" not in kiosk_out + console_out + kiosk_err + console_err
        assert "video and audio flowing" in kiosk_out
        assert "viewable" in console_out
    finally:
        server.terminate()
        server.wait(10)
