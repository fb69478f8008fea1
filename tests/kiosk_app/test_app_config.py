"""The kiosk app's configuration: the ``[screens]`` table, and how the command line adds to
the config file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.config import KioskConfigError, ScreensConfig, load_kiosk_config
from vwindow.kiosk_app import DEFAULT_SERVER, config_from_args, demo_config, parser

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
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_screens_table(tmp_path: Path) -> None:
    config = load_kiosk_config(write(tmp_path, FULL))
    assert config.screens == ScreensConfig(
        upper=1, lower=0, fullscreen=False, admin_pin="2468", language="en", elderly=True
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


def test_demo_config(tmp_path: Path) -> None:
    config = demo_config("http://127.0.0.1:1", tmp_path / "k", tmp_path)
    assert config.devices.card_reader == "simulated" and config.devices.printer.startswith("pdf:")
    assert not config.screens.fullscreen
