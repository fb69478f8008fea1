"""Every text of the screen apps has its English: the committed ``.ts`` files are refreshed
from the code (as ``pyside6-lupdate`` would) in a scratch copy, and nothing may be new or
left unfinished."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"

#: translation file → the code whose texts it translates
DOMAINS = {
    "kiosk/ui/i18n/kiosk_en.ts": ["kiosk/ui"],
    "center/console/i18n/console_en.ts": ["center/console/*.py"],
    "center/console/dashboard/i18n/dashboard_en.ts": ["center/console/dashboard"],
}


def _sources(patterns: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        if pattern.endswith(".py"):
            found += sorted(str(p) for p in ROOT.glob(pattern))
        else:
            found += sorted(str(p) for p in (ROOT / pattern).rglob("*.py"))
    return found


def _translated(translation: ET.Element | None) -> bool:
    if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
        return False
    # plural texts (%n) carry one form per number
    forms = [form.text or "" for form in translation.iter("numerusform")] or [
        translation.text or ""
    ]
    return all(form.strip() for form in forms)


@pytest.mark.parametrize("ts", sorted(DOMAINS))
def test_the_english_covers_every_text_in_the_code(ts: str, tmp_path: Path) -> None:
    scratch = tmp_path / Path(ts).name
    shutil.copy(ROOT / ts, scratch)
    result = subprocess.run(
        [str(LUPDATE), *_sources(DOMAINS[ts]), "-ts", str(scratch)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    missing = [
        message.findtext("source")
        for message in ET.parse(scratch).getroot().iter("message")
        if not _translated(message.find("translation"))
    ]
    assert missing == [], f"{ts}: no English for {missing} (run pyside6-lupdate, translate)"
