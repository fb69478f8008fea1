"""Fixtures of the acceptance suite: a desktop (Xvfb, session bus, accessibility bus), the
README's demo on it, the AT-SPI driver, the two apps as the driver sees them, screenshots in
the artifacts folder, and with ``VWINDOW_ACCEPTANCE_LOAD=1`` both cores kept busy by
stress-ng for the whole run.

The suite runs in any pytest run that collects it (``pytest``, ``pytest tests/acceptance``,
``pytest -m acceptance``, ``bash scripts/acceptance``) where its tools are present; it is
skipped, with the reason, where they are missing or when ``VWINDOW_ACCEPTANCE=0`` (a run that
plays the suite separately, through ``scripts/acceptance``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.acceptance.harness import (
    STEP_S,
    App,
    Demo,
    Desktop,
    Driver,
    Shots,
    artifacts_root,
    end_with_us,
    missing_tools,
    wait_for,
)

LOAD_VARIABLE = "VWINDOW_ACCEPTANCE_LOAD"
#: ``0`` skips the suite (a run that plays it separately through scripts/acceptance); ``1``
#: makes a missing tool an error instead of a skip
SWITCH_VARIABLE = "VWINDOW_ACCEPTANCE"
HERE = Path(__file__).resolve().parent
KIOSK = "vwindow-kiosk"
LOGIN_DIALOG = "远程虚拟窗口 · 工作人员登录"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "acceptance: plays the visit through the real windows (Xvfb, AT-SPI)"
    )


def _skip_reason() -> str | None:
    if os.environ.get(SWITCH_VARIABLE, "").strip() == "0":
        return (
            f"{SWITCH_VARIABLE}=0: the acceptance suite runs on its own (bash scripts/acceptance)"
        )
    missing = missing_tools()
    if not missing:
        return None
    reason = "the acceptance suite needs: " + ", ".join(missing)
    if os.environ.get(SWITCH_VARIABLE, "").strip() == "1":
        # asked for by name (scripts/acceptance): a suite skipped whole must not pass
        raise pytest.UsageError(f"{SWITCH_VARIABLE}=1 but {reason}")
    return reason


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if HERE in Path(str(item.fspath)).resolve().parents]
    if not ours:
        return
    reason = _skip_reason()
    for item in ours:
        item.add_marker(pytest.mark.acceptance)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def cpu_load() -> Iterator[None]:
    """stress-ng on every core for the whole run when ``VWINDOW_ACCEPTANCE_LOAD=1``."""
    if os.environ.get(LOAD_VARIABLE, "") not in ("1", "yes", "true"):
        yield
        return
    if shutil.which("stress-ng") is None:
        pytest.fail(f"{LOAD_VARIABLE}=1 needs stress-ng (apt-get install stress-ng)")
    load = subprocess.Popen(
        # an hour at most, whatever happens to this run
        ["stress-ng", "--cpu", str(os.cpu_count() or 2), "--timeout", "3600", "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=end_with_us,
    )
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(load.pid, signal.SIGTERM)
        try:
            load.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(load.pid, signal.SIGKILL)
            load.wait()


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    suffix = "-loaded" if os.environ.get(LOAD_VARIABLE) in ("1", "yes", "true") else ""
    folder: Path = artifacts_root() / (str(request.node.name) + suffix)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def desktop(tmp_path: Path, artifacts: Path) -> Iterator[Desktop]:
    desktop = Desktop(tmp_path / "desktop")
    try:
        desktop.start()
        yield desktop
    finally:
        desktop.stop()
        for log in desktop.root.glob("*.log"):
            shutil.copy(log, artifacts / log.name)


@pytest.fixture
def driver(desktop: Desktop) -> Iterator[Driver]:
    driver = Driver(desktop)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def shots(desktop: Desktop, artifacts: Path) -> Shots:
    return Shots(desktop, artifacts)


@pytest.fixture
def demo(desktop: Desktop, driver: Driver, tmp_path: Path, shots: Shots) -> Iterator[Demo]:
    demo = Demo(desktop, tmp_path / "data")
    try:
        demo.start()
        yield demo
    finally:
        # a picture is a courtesy here: the demo is ended whatever happens
        with contextlib.suppress(Exception):
            shots.take("teardown")
        demo.stop()


def _apps(driver: Driver) -> list[dict[str, object]]:
    result: list[dict[str, object]] = driver.call("apps")
    return result


@pytest.fixture
def kiosk(demo: Demo, driver: Driver) -> App:
    """The kiosk's window, once it shows its welcome screen."""
    found = wait_for(
        "the kiosk on the accessibility bus",
        lambda: next((a for a in _apps(driver) if a["name"] == KIOSK), None),
        STEP_S * 2,
    )
    app = App(driver, KIOSK, int(str(found["pid"])))
    app.wait(STEP_S * 2, name="开始办事", role="push button")
    return app


@pytest.fixture
def console(demo: Demo, driver: Driver) -> App:
    """The clerk console's window, whichever process the demo runs it in: the application
    that shows the staff login dialog."""
    dialog = driver.call(
        "wait", selector={"name": LOGIN_DIALOG, "role": "dialog"}, timeout=STEP_S * 2
    )
    name = str(dialog["app"])
    pid = next((a["pid"] for a in _apps(driver) if a["name"] == name), None)
    return App(driver, name, int(str(pid)) if pid is not None else None)
