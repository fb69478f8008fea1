"""The demo a newcomer runs: ``vwindow demo --headless`` plays a whole visit and exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
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
