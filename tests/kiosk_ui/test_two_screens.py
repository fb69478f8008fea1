"""Screen assignment on a machine with two screens (offscreen platform with two screens, in
its own process: the platform is chosen when the application starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json
from shared.ui.loop import qt_application
from kiosk.ui.voice import Voice
from kiosk.ui.window import KioskScreens

app = qt_application()
view = KioskScreens(upper_screen={upper}, lower_screen={lower}, admin_pin="1", kiosk_mode=True,
                    voice=Voice(engine="mock"))
view.show()
app.processEvents()
print(json.dumps({{
    "screens": [s.name() for s in app.screens()],
    "windows": [
        {{"name": w.objectName(), "screen": w.screen().name(), "full": w.isFullScreen(),
          "width": w.width(), "height": w.height(),
          "holds": [p for p, pane in (("upper", view.upper), ("lower", view.lower))
                    if pane.window() is w]}}
        for w in view.windows
    ],
}}))
"""


def run(tmp_path: Path, upper: int, lower: int) -> dict[str, object]:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": [
        {"name": "top", "x": 0, "y": 0, "width": 1920, "height": 1080},
        {"name": "bottom", "x": 0, "y": 1080, "width": 1920, "height": 1080},
    ]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(upper=upper, lower=lower)],
        capture_output=True, text=True, env=env, timeout=60, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_each_pane_full_screen_on_its_screen(tmp_path: Path) -> None:
    answer = run(tmp_path, upper=0, lower=1)
    screens = answer["screens"]
    assert isinstance(screens, list) and sorted(screens) == ["bottom", "top"]
    assert answer["windows"] == [
        {"name": "upperWindow", "screen": screens[0], "full": True, "width": 1920,
         "height": 1080, "holds": ["upper"]},
        {"name": "lowerWindow", "screen": screens[1], "full": True, "width": 1920,
         "height": 1080, "holds": ["lower"]},
    ]


def test_the_screens_swapped_by_config(tmp_path: Path) -> None:
    answer = run(tmp_path, upper=1, lower=0)
    screens, windows = answer["screens"], answer["windows"]
    assert isinstance(screens, list) and isinstance(windows, list)
    assert [(w["holds"], w["screen"]) for w in windows] == [(["upper"], screens[1]),
                                                          (["lower"], screens[0])]


def test_one_screen_named_twice_holds_both_panes(tmp_path: Path) -> None:
    answer = run(tmp_path, upper=1, lower=1)
    screens, windows = answer["screens"], answer["windows"]
    assert isinstance(screens, list) and isinstance(windows, list) and len(windows) == 1
    assert windows[0]["holds"] == ["upper", "lower"] and windows[0]["screen"] == screens[1]
