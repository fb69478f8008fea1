"""The kiosk app's configuration: the ``[screens]`` table, and how the command line adds to
the config file."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import KioskConfigError, ScreensConfig, load_kiosk_config
from tests.conftest import Seed
from tests.kiosk_app.helpers import full_server, run_qt
from vwindow.kiosk_app import DEFAULT_SERVER, config_from_args, main, parser

FULL = """
[kiosk]
server = "https://vwindow.example.org"
credential_file = "kiosk.credential"

[devices]
card_reader = "simulated"
scanner = "simulated"

[screens]
upper = 1
lower = 0
fullscreen = false
admin_pin = "2468"
language = "en"
elderly = true
voice = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_screens_table(tmp_path: Path) -> None:
    config = load_kiosk_config(write(tmp_path, FULL))
    assert config.screens == ScreensConfig(
        upper=1,
        lower=0,
        fullscreen=False,
        admin_pin="2468",
        language="en",
        elderly=True,
        voice=False,
    )
    assert config.credential_file == tmp_path / "kiosk.credential"


def test_a_config_without_screens_keeps_working(tmp_path: Path) -> None:
    config = load_kiosk_config(write(tmp_path, '[kiosk]\nserver = "http://x"\n'))
    assert config.screens == ScreensConfig()
    assert config.screens.fullscreen and config.screens.language == "zh_CN"
    assert not config.screens.admin_pin  # no exit unless one is configured


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("upper = true", r"upper = True: expected int"),
        ("fullscreen = 1", r"fullscreen = 1: expected bool"),
        ('admin_pin = "12ab"', r"admin_pin must be digits"),
        ('language = "fr"', r"language 'fr'"),
        ("lower = -1", r"screen numbers from 0"),
        ("colour = 3", r"unknown key\(s\) in \[screens\]: colour"),
    ],
)
def test_bad_screens_values_are_named(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(KioskConfigError, match=message):
        load_kiosk_config(write(tmp_path, f"[screens]\n{table}\n"))


def test_the_command_line_adds_to_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    args = parser().parse_args(["--config", str(path), "--camera", "/dev/video2"])
    config = config_from_args(args)
    assert config.server == "https://vwindow.example.org"  # the default --server does not win
    assert config.devices.camera == "/dev/video2"
    args = parser().parse_args(
        ["--config", str(path), "--server", "http://10.0.0.5:8420/", "--demo"]
    )
    config = config_from_args(args)
    assert config.server == "http://10.0.0.5:8420"
    assert not config.screens.fullscreen and config.devices.card_reader == "simulated"


def test_without_a_config_file_the_flags_are_enough(tmp_path: Path) -> None:
    credential = tmp_path / "c"
    credential.write_text("secret\n")
    args = argparse.Namespace(server=DEFAULT_SERVER, credential_file=credential)
    config = config_from_args(args)
    assert config.server == DEFAULT_SERVER and config.credential() == "secret"


def test_a_missing_credential_says_to_enroll(tmp_path: Path) -> None:
    args = parser().parse_args(["--credential-file", str(tmp_path / "absent")])
    with pytest.raises(KioskConfigError, match="enroll the kiosk first"):
        config_from_args(args).credential()


def test_demo_kiosk_has_simulated_devices_in_a_window_and_prints_receipts_as_pdf(
    tmp_path: Path,
) -> None:
    credential = tmp_path / "kiosk.credential"
    args = parser().parse_args(["--demo", "--credential-file", str(credential)])
    config = config_from_args(args)
    assert config.devices.card_reader == "simulated" and config.devices.scanner == "simulated"
    assert config.devices.printer == f"pdf:{tmp_path / 'receipts' / 'receipt-{case_number}.pdf'}"
    assert not config.screens.fullscreen
    elsewhere = tmp_path / "paper"
    args = parser().parse_args(["--demo", "--receipts-dir", str(elsewhere)])
    assert config_from_args(args).devices.printer.startswith(f"pdf:{elsewhere}/")


def run_app_process(
    qapp: QApplication, database_url: str, tmp_path: Path, credential: str, stop_after: float
) -> tuple[int | None, str]:
    """``vwindow kiosk --demo`` against a real server, ended by SIGTERM after ``stop_after``
    seconds if still running."""
    result: dict[str, Any] = {}

    async def main() -> None:
        server = full_server(database_url, tmp_path / "data")
        await server.start()
        credential_file = tmp_path / "kiosk.credential"
        credential_file.write_text(credential + "\n")
        config_file = write(tmp_path, "[screens]\nvoice = false\n")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "vwindow",
            "kiosk",
            "--demo",
            "--config",
            str(config_file),
            "--server",
            server.url,
            "--credential-file",
            str(credential_file),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        try:
            try:
                await asyncio.wait_for(process.wait(), stop_after)
            except TimeoutError:
                process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), 20)
            result["status"], result["stderr"] = process.returncode, err.decode()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await server.stop()

    run_qt(qapp, main, timeout=90)
    return result["status"], result["stderr"]


def test_the_app_process_runs_until_terminated(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    status, stderr = run_app_process(
        qapp, database_url, tmp_path, seeded.kiosk_credentials[0], stop_after=12
    )
    assert status == 0, stderr


def test_the_app_process_ends_when_the_credential_is_refused(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    status, stderr = run_app_process(qapp, database_url, tmp_path, "vk_not-enrolled", 40)
    assert status == 3, stderr
    assert "refused this kiosk" in stderr


def test_no_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--demo", "--credential-file", str(tmp_path / "c")]) == 2
