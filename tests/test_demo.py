"""The demo a newcomer runs: ``vwindow demo --headless`` plays a whole visit and exits 0."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def run_demo(data_dir: Path) -> tuple[list[str], dict[str, object]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vwindow",
            "demo",
            "--headless",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    return lines, json.loads(lines[-1])


def test_headless_demo_plays_a_visit_and_can_run_again(tmp_path: Path) -> None:
    lines, summary = run_demo(tmp_path)
    assert summary["outcome"] == "accepted"
    assert summary["pages"] == 4  # three pages and one scanned again on request
    assert summary["rating"] == 5 and summary["case_number"]
    assert isinstance(summary["setup_ms"], float) and summary["setup_ms"] < 5000
    assert any("ringing" in line for line in lines)
    assert any("video and audio flowing" in line for line in lines)
    assert (tmp_path / "vwindow.db").exists()
    credential = tmp_path / "kiosk.credential"
    assert credential.stat().st_mode & 0o077 == 0
    # a second run reuses the same data and enrolled kiosk
    _, again = run_demo(tmp_path)
    assert again["outcome"] == "accepted"
    assert credential.exists()


def start_demo(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``vwindow demo`` as a person starts it (with windows where ``env`` has a display)."""
    return subprocess.Popen(
        [sys.executable, "-m", "vwindow", "demo", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def test_demo_with_a_display_opens_the_kiosk_and_the_console(tmp_path: Path) -> None:
    """Offscreen counts as a display: the kiosk and the console start, each in a process of
    its own; the kiosk connects, the console waits at its login; Ctrl+C ends all of them
    and the demo exits 0, within the 5 s a person waits for."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    demo = start_demo(tmp_path, env)
    assert demo.stdout is not None
    try:
        url = ""
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while not url and time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line:
                break
            lines.append(line)
            if match := re.search(r"demo is running at (http://\S+)", line):
                url = match.group(1)
        assert url, "".join(lines)
        assert any("console (right)" in line for line in lines)
        kiosks = 0.0
        while time.monotonic() < deadline and kiosks < 1:
            with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
                metrics = response.read().decode()
            found = re.search(r'vwindow_connections\{kind="kiosk"\} (\S+)', metrics)
            kiosks = float(found.group(1)) if found else 0.0
            time.sleep(0.5)
        assert kiosks == 1, "the demo's kiosk did not connect"
        apps = _apps_of(tmp_path, url)
        assert len(apps) == 2, apps  # the kiosk and the console
        demo.send_signal(signal.SIGINT)
        asked = time.monotonic()
        assert demo.wait(30) == 0
        # 5 s by design (4 s for each app to end, then killed); a loaded machine gets slack
        assert time.monotonic() - asked < 8.0
        assert _apps_of(tmp_path, url) == [], "an app outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def _apps_of(data_dir: Path, url: str) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-af", f"vwindow (kiosk|console) .*--server {url}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.splitlines()


def test_demo_without_a_display_says_it_only_serves_and_how_to_get_the_windows(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONUNBUFFERED"] = "1"
    demo = start_demo(tmp_path, env)
    assert demo.stdout is not None
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "demo is running at" in line:
                break
        said = "".join(lines)
        assert "only serves" in said and "--headless" in said and "DISPLAY" in said, said
        demo.send_signal(signal.SIGINT)
        assert demo.wait(30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
