"""What the acceptance tests need around the real windows: an X display (Xvfb) with a private
session bus and the accessibility bus, the README's demo started as a user starts it, the
AT-SPI driver (``atspi_driver.py``, under the system's Python), pointer and key input by
xdotool, and a screenshot at every step.

Every process started here, and everything those start (the demo's kiosk, speech daemons,
activated D-Bus services), carries one tag in its environment, so cleanup finds them all by
id whatever process group they moved to.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VWINDOW = REPO / ".venv" / "bin" / "vwindow"
SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).resolve().with_name("atspi_driver.py")
AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TAG_VARIABLE = "VWINDOW_ACCEPTANCE_TAG"
ARTIFACTS_VARIABLE = "VWINDOW_ACCEPTANCE_ARTIFACTS"
DEFAULT_ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: two apps side by side: the kiosk's two panes at 70 % on the left, the console on the right
SCREEN = tuple(int(v) for v in os.environ.get("VWINDOW_ACCEPTANCE_SCREEN", "2560x1440").split("x"))

#: deadlines for one step; a loaded 2-core machine is 2–3 times slower than a quiet one
STEP_S = 60.0
CALL_S = 120.0

#: daemons that outlive their clients on purpose (started on demand by the kiosk's voice);
#: not part of the demo's own processes, but still ended by the cleanup
DAEMONS = ("speech-dispatcher", "sd_espeak-ng", "sd_dummy", "sd_generic", "pulseaudio")


class AcceptanceError(AssertionError):
    pass


def missing_tools() -> list[str]:
    """What this machine lacks to run the suite, in words."""
    missing = []
    for tool in ("Xvfb", "xdotool", "dbus-launch", "pdftoppm"):
        if shutil.which(tool) is None:
            missing.append(tool)
    if not Path(AT_SPI_LAUNCHER).exists():
        missing.append(f"{AT_SPI_LAUNCHER} (at-spi2-core)")
    if not VWINDOW.exists():
        missing.append(f"{VWINDOW} (run bash scripts/bootstrap setup)")
    if not Path(SYSTEM_PYTHON).exists():
        missing.append(SYSTEM_PYTHON)
    else:
        probe = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False
        )
        if probe.returncode != 0:
            missing.append("pyatspi for /usr/bin/python3 (python3-pyatspi)")
    return missing


def wait_for(what: str, check: Any, timeout: float, interval: float = 0.2) -> Any:
    """``check()``'s first true value, polled until ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AcceptanceError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- processes -----------------------------------------------------------------------------


def end_with_us() -> None:
    """In a child before it runs its program: SIGTERM when the test run dies without its
    cleanup (killed, or a time limit), so no X server, demo or CPU load outlives it."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def tagged_processes(tag: str) -> dict[int, str]:
    """Processes whose environment carries ``tag``: pid → command name."""
    found = {}
    marker = f"{TAG_VARIABLE}={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            if marker not in environ.split(b"\0"):
                continue
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ...": zombies are already gone for our purposes
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state = stat[stat.rindex(")") + 2 :].split()[0]
        if state != "Z":
            found[int(entry.name)] = comm
    return found


def end_processes(pids: list[int], grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL what is left after ``grace``; each by its pid."""
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


# --- the desktop: Xvfb, session bus, accessibility bus --------------------------------------


@dataclass
class Desktop:
    root: Path
    tag: str = field(default_factory=lambda: secrets.token_hex(6))
    display: str = ""
    env: dict[str, str] = field(default_factory=dict)
    _xvfb: subprocess.Popen[bytes] | None = None
    _started: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _bus_pid: int | None = None

    def start(self) -> None:
        home = self.root / "home"
        runtime = self.root / "run"
        for folder in (home, runtime):
            folder.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DBUS_", "XDG_", "AT_SPI", "QT_", "WAYLAND", "DISPLAY"))
            and key not in ("NO_AT_BRIDGE", "SESSION_MANAGER")
        }
        env.update(
            {
                "HOME": str(home),
                "XDG_RUNTIME_DIR": str(runtime),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_STATE_HOME": str(home / ".local" / "state"),
                "LANG": "C.UTF-8",
                "QT_QPA_PLATFORM": "xcb",
                "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
                "QT_ACCESSIBILITY": "1",
                "PYTHONUNBUFFERED": "1",
                TAG_VARIABLE: self.tag,
            }
        )
        # Xvfb picks a free display itself and writes its number to the given descriptor
        read_end, write_end = os.pipe()
        self._xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{SCREEN[0]}x{SCREEN[1]}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_end,),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "xvfb.log").open("wb"),
            start_new_session=True,
            preexec_fn=end_with_us,
        )
        os.close(write_end)
        number = _read_line(read_end, timeout=30.0)
        os.close(read_end)
        if not number:
            raise AcceptanceError("Xvfb did not report its display: " + self._log("xvfb.log"))
        self.display = f":{number.strip()}"
        env["DISPLAY"] = self.display
        bus = subprocess.run(
            ["dbus-launch", "--sh-syntax"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        address = re.search(r"DBUS_SESSION_BUS_ADDRESS='([^']+)'", bus.stdout)
        pid = re.search(r"DBUS_SESSION_BUS_PID=(\d+)", bus.stdout)
        if address is None or pid is None:
            raise AcceptanceError(f"dbus-launch said: {bus.stdout!r} {bus.stderr!r}")
        env["DBUS_SESSION_BUS_ADDRESS"] = address.group(1)
        self._bus_pid = int(pid.group(1))
        self.env = env
        self.spawn([AT_SPI_LAUNCHER, "--launch-immediately"], "at-spi-bus-launcher.log")

    def spawn(self, argv: list[str], log_name: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        """A process of its own group on this desktop, its output in ``log_name``."""
        process = subprocess.Popen(
            argv,
            env=kwargs.pop("env", self.env),
            stdin=subprocess.DEVNULL,
            stdout=(self.root / log_name).open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=end_with_us,
            cwd=kwargs.pop("cwd", REPO),
            **kwargs,
        )
        self._started.append(process)
        return process

    def _log(self, name: str) -> str:
        path = self.root / name
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

    def stop(self) -> None:
        for process in self._started:
            if process.poll() is None:
                _killpg(process.pid, signal.SIGTERM)
        pids = list(tagged_processes(self.tag))
        if self._bus_pid is not None:
            pids.append(self._bus_pid)
        end_processes(pids)
        for process in self._started:
            if process.poll() is None:
                _killpg(process.pid, signal.SIGKILL)
            process.wait()
        if self._xvfb is not None:
            self._xvfb.terminate()
            try:
                self._xvfb.wait(10)
            except subprocess.TimeoutExpired:
                self._xvfb.kill()
                self._xvfb.wait()

    # --- input and pictures ----------------------------------------------------------------

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise AcceptanceError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)

    def stroke(self, points: list[tuple[int, int]]) -> None:
        """One pen stroke: press at the first point, move through the rest, release."""
        first, *rest = points
        self.xdotool("mousemove", "--sync", str(first[0]), str(first[1]), "mousedown", "1")
        for x, y in rest:
            self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("mouseup", "1")

    def grab(self) -> Any:
        from PIL import ImageGrab

        return ImageGrab.grab(xdisplay=self.display)

    def window_size(self, pid: int, title: str) -> tuple[int, int] | None:
        """The on-screen size of ``pid``'s visible window titled ``title``."""
        try:
            ids = self.xdotool(
                "search",
                "--all",
                "--onlyvisible",
                "--pid",
                str(pid),
                "--name",
                f"^{re.escape(title)}$",
            ).split()
        except AcceptanceError:
            return None
        for window in ids:
            shell = self.xdotool("getwindowgeometry", "--shell", window)
            values = dict(line.split("=", 1) for line in shell.split() if "=" in line)
            return int(values["WIDTH"]), int(values["HEIGHT"])
        return None


def _killpg(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _read_line(fd: int, timeout: float) -> str:
    import select

    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
    return data.decode()


# --- the AT-SPI driver ---------------------------------------------------------------------


class Driver:
    """The long-lived ``atspi_driver.py`` process and its JSON-lines conversation."""

    def __init__(self, desktop: Desktop) -> None:
        self.desktop = desktop
        self.process = subprocess.Popen(
            [SYSTEM_PYTHON, str(DRIVER)],
            env=desktop.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(desktop.root / "driver.log").open("wb"),
            text=True,
            encoding="utf-8",
            start_new_session=True,
            preexec_fn=end_with_us,
        )
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._answers.get(timeout=60)
        assert ready.get("result") == "ready", ready

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip():
                self._answers.put(json.loads(line))
        self._answers.put({"id": None, "ok": False, "error": "the driver ended"})

    def call(self, cmd: str, *, timeout: float = 0.0, **fields: Any) -> Any:
        self._next += 1
        request = {"id": self._next, "cmd": cmd, "timeout": timeout, **fields}
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        # a call into a frozen app blocks the driver in D-Bus (25 s per call): allow for it
        try:
            answer = self._answers.get(timeout=timeout + 120)
        except queue.Empty:
            raise AcceptanceError(f"the AT-SPI driver did not answer {cmd}") from None
        if answer.get("id") != self._next:
            raise AcceptanceError(f"the AT-SPI driver answered out of turn: {answer}")
        if not answer["ok"]:
            raise AcceptanceError(f"{cmd}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class App:
    """One application on the accessibility bus, as the driver finds it."""

    driver: Driver
    name: str
    pid: int | None = None
    _scale: float | None = None

    def selector(self, **fields: Any) -> dict[str, Any]:
        selector = {"app": self.name, **fields}
        if self.pid is not None:
            selector["app_pid"] = self.pid
        return selector

    def wait(self, timeout: float = STEP_S, **selector: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.driver.call(
            "wait", selector=self.selector(**selector), timeout=timeout
        )
        return result

    def find(self, **selector: Any) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self.driver.call("find", selector=self.selector(**selector))
        return result

    def find_all(self, **selector: Any) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.driver.call(
            "find_all", selector=self.selector(**selector), text=True
        )
        return result

    def wait_gone(self, timeout: float = STEP_S, **selector: Any) -> None:
        self.driver.call("wait_gone", selector=self.selector(**selector), timeout=timeout)

    def press(
        self,
        timeout: float = STEP_S,
        action: str | None = None,
        enabled_timeout: float | None = None,
        **selector: Any,
    ) -> str:
        """The widget's accessible action (Press, Toggle, Click…), once it is enabled."""
        fields: dict[str, Any] = {"selector": self.selector(**selector)}
        if action:
            fields["action"] = action
        if enabled_timeout is not None:
            fields["enabled_timeout"] = enabled_timeout
        result: str = self.driver.call("press", timeout=timeout, **fields)
        return result

    def set_text(self, text: str, timeout: float = STEP_S, **selector: Any) -> str:
        result: str = self.driver.call(
            "set_text", selector=self.selector(**selector), text=text, timeout=timeout
        )
        return result

    def select(self, timeout: float = STEP_S, **selector: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.driver.call(
            "select", selector=self.selector(**selector), timeout=timeout
        )
        return result

    def choose(self, item_re: str, timeout: float = STEP_S, **selector: Any) -> str:
        result: str = self.driver.call(
            "choose", selector=self.selector(**selector), item_re=item_re, timeout=timeout
        )
        return result

    def table(self, timeout: float = STEP_S, **selector: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.driver.call(
            "table", selector=self.selector(**selector), timeout=timeout
        )
        return result

    def tree(self) -> list[str]:
        rows: list[str] = self.driver.call("tree", app=self.name)
        return rows

    def screen_box(self, extents: list[int]) -> tuple[int, int, int, int]:
        """AT-SPI extents as screen pixels (left, top, right, bottom). Qt reports a scaled
        app's extents unscaled (the demo draws the kiosk at 70 %), so the factor is measured:
        the app's window on screen against its accessible extents."""
        scale = self.scale()
        x, y, width, height = extents
        return (
            round(x * scale),
            round(y * scale),
            round((x + width) * scale),
            round((y + height) * scale),
        )

    def scale(self) -> float:
        if self._scale is not None:
            return self._scale
        windows = self.find_all(role_re="^(filler|frame|window|dialog)$")
        top = next((w for w in windows if w["extents"] and w["extents"][2] > 0), None)
        if top is None or self.pid is None:
            return 1.0
        size = self.driver.desktop.window_size(self.pid, top["name"])
        if size is None:
            return 1.0
        self._scale = size[0] / top["extents"][2]
        return self._scale

    def centre(self, extents: list[int]) -> tuple[int, int]:
        left, top, right, bottom = self.screen_box(extents)
        return (left + right) // 2, (top + bottom) // 2

    def click_within(self, extents: list[int], clip: list[int]) -> None:
        """A click in the middle of the part of ``extents`` inside ``clip`` (a list's
        item half scrolled out of its view)."""
        x, y, width, height = extents
        cx, cy, cwidth, cheight = clip
        left, top = max(x, cx), max(y, cy)
        right, bottom = min(x + width, cx + cwidth), min(y + height, cy + cheight)
        if right <= left or bottom <= top:
            raise AcceptanceError(f"{extents} is not inside {clip}")
        self.driver.desktop.click(*self.centre([left, top, right - left, bottom - top]))

    def click(self, timeout: float = STEP_S, **selector: Any) -> None:
        """A pointer click in the middle of the widget (where a person would tap)."""
        info = self.wait(timeout, **selector)
        x, y = self.centre(info["extents"])
        self.driver.desktop.click(x, y)


# --- the demo --------------------------------------------------------------------------------


URL_PATTERN = re.compile(r"vwindow demo is running at (http://127\.0\.0\.1:\d+)")


@dataclass
class Demo:
    """``vwindow demo --port 0 --data-dir DIR``, as the README starts it."""

    desktop: Desktop
    data_dir: Path
    tag: str = field(default_factory=lambda: "demo-" + secrets.token_hex(6))
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    log_name: str = "demo.log"

    def start(self) -> None:
        env = dict(self.desktop.env)
        # the desktop's tag for the cleanup, and one of its own to tell the demo's processes
        env[TAG_VARIABLE] = self.tag
        self.process = self.desktop.spawn(
            [str(VWINDOW), "demo", "--port", "0", "--data-dir", str(self.data_dir)],
            self.log_name,
            env=env,
        )
        self.url = wait_for("the demo's URL", self._url, STEP_S * 2)

    def _url(self) -> str:
        assert self.process is not None
        log = self.log()
        found = URL_PATTERN.search(log)
        if found:
            return found.group(1)
        if self.process.poll() is not None:
            raise AcceptanceError(f"the demo ended ({self.process.returncode}):\n{log[-3000:]}")
        return ""

    def log(self) -> str:
        path = self.desktop.root / self.log_name
        return path.read_text(errors="replace") if path.exists() else ""

    def processes(self) -> dict[int, str]:
        """The demo's own processes (daemons the voice starts on demand aside)."""
        # the kernel keeps 15 characters of a command's name ("speech-dispatch")
        daemons = tuple(daemon[:15] for daemon in DAEMONS)
        return {
            pid: name
            for pid, name in tagged_processes(self.tag).items()
            if not name.startswith(daemons)
        }

    def interrupt(self) -> float | None:
        """Ctrl+C in the demo's terminal (SIGINT to its process group); seconds until every
        process of the demo ended, or None when some still ran after 15 s."""
        assert self.process is not None
        started = time.monotonic()
        _killpg(self.process.pid, signal.SIGINT)
        deadline = started + 15.0
        while time.monotonic() < deadline:
            if self.process.poll() is not None and not self.processes():
                return time.monotonic() - started
            time.sleep(0.05)
        return None

    def stop(self) -> None:
        """SIGINT first, then whatever is left is ended by its pid."""
        if self.process is None:
            return
        if self.process.poll() is None or self.processes():
            self.interrupt()
        end_processes(list(tagged_processes(self.tag)))
        if self.process.poll() is None:
            _killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# --- screenshots ----------------------------------------------------------------------------


@dataclass
class Shots:
    """A numbered screenshot per step in the test's artifacts folder."""

    desktop: Desktop
    folder: Path
    count: int = 0

    def take(self, step: str) -> Any:
        self.count += 1
        image = self.desktop.grab()
        name = re.sub(r"[^\w.-]+", "-", step).strip("-")
        image.save(self.folder / f"{self.count:02d}-{name}.png")
        return image


def artifacts_root() -> Path:
    return Path(os.environ.get(ARTIFACTS_VARIABLE) or DEFAULT_ARTIFACTS)


def changed_fraction(before: Any, after: Any, box: tuple[int, int, int, int]) -> float:
    """The share of pixels in ``box`` that differ between two screenshots."""
    from PIL import ImageChops

    first = before.crop(box).convert("RGB")
    second = after.crop(box).convert("RGB")
    diff = ImageChops.difference(first, second).convert("L").point(lambda v: 255 if v > 16 else 0)
    histogram = diff.histogram()
    total = sum(histogram)
    return histogram[255] / total if total else 0.0
