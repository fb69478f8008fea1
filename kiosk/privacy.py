"""A resident's personal data lives only as long as their visit.

Card data, photos, scanned pages and signatures are held by one :class:`SessionVault` per
visit, in memory, as bytearrays that can be overwritten (Python's ``bytes`` and ``str``
cannot: copies a caller makes of them are out of our reach, so keep data in the vault and
pass the vault's buffers around). A backend that must hand a file to a driver or another
program gets a per-session directory from :meth:`SessionVault.temp_dir`, under the kiosk's
runtime root, readable by the kiosk's user only.

:meth:`SessionVault.wipe` at the end of the visit zeroes every buffer, drops every reference,
overwrites every file in the session directory before unlinking it, and removes the
directory. :func:`clear_leftovers` at start-up removes session directories a crash left
behind. Put the runtime root on a tmpfs (the default on Linux, ``/run/user/UID``): on a disk,
journaling and SSD wear levelling may keep old blocks that no overwrite reaches.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

SESSION_PREFIX = "session-"
_OVERWRITE_CHUNK = 1 << 20


def default_runtime_root() -> Path:
    """The kiosk's runtime root: the user's runtime directory (a tmpfs on Linux), falling
    back to the cache directory where there is none."""
    return Path(platformdirs.user_runtime_dir("vwindow", appauthor=False)) / "kiosk"


def _ensure_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is filtered by the umask and ignored for existing directories
    path.chmod(0o700)


class SessionVault:
    """One visit's personal data. Use as a context manager, or call :meth:`wipe`."""

    def __init__(self, runtime_root: Path | None = None, session_id: str | None = None) -> None:
        self.runtime_root = runtime_root or default_runtime_root()
        self.session_id = session_id or secrets.token_hex(8)
        self._buffers: dict[str, bytearray] = {}
        self._objects: dict[str, Any] = {}
        self._temp_dir: Path | None = None
        self.wiped = False

    def __enter__(self) -> SessionVault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.wipe()

    # --- data ----------------------------------------------------------------------------

    def put(self, name: str, data: bytes | bytearray | memoryview | str) -> bytearray:
        """Keep a copy of ``data`` (text is stored UTF-8 encoded) and return the vault's
        buffer, which :meth:`wipe` zeroes. A buffer stored under the same name before is
        zeroed now."""
        self._check_open()
        payload = data.encode("utf-8") if isinstance(data, str) else data
        buffer = bytearray(payload)
        old = self._buffers.pop(name, None)
        if old is not None:
            _zero(old)
        self._buffers[name] = buffer
        return buffer

    def get(self, name: str) -> bytearray:
        """The buffer itself, not a copy: read it, don't keep ``bytes(...)`` of it."""
        self._check_open()
        return self._buffers[name]

    def text(self, name: str) -> str:
        """A stored buffer as text (the ``str`` is a copy that cannot be zeroed: use it for
        display and drop it)."""
        return self.get(name).decode("utf-8")

    def hold(self, name: str, value: Any) -> None:
        """Keep a reference to an object with personal data in it (a CardReading, a list of
        ScannedPages) so that :meth:`wipe` drops it: its contents are immutable and cannot
        be overwritten, but nothing in the kiosk keeps it past the visit."""
        self._check_open()
        self._objects[name] = value

    def held(self, name: str) -> Any:
        self._check_open()
        return self._objects[name]

    def names(self) -> list[str]:
        return sorted({*self._buffers, *self._objects})

    # --- files ---------------------------------------------------------------------------

    def temp_dir(self) -> Path:
        """This session's private directory (made on first use, mode 0700)."""
        self._check_open()
        if self._temp_dir is None:
            _ensure_private_dir(self.runtime_root)
            path = self.runtime_root / f"{SESSION_PREFIX}{self.session_id}"
            path.mkdir(mode=0o700)
            path.chmod(0o700)
            self._temp_dir = path
        return self._temp_dir

    # --- the end of the visit --------------------------------------------------------------

    def wipe(self) -> None:
        """Zero every buffer, drop every reference, overwrite and delete every file. Safe to
        call more than once."""
        for buffer in self._buffers.values():
            _zero(buffer)
        self._buffers.clear()
        self._objects.clear()
        if self._temp_dir is not None:
            shred_tree(self._temp_dir)
            self._temp_dir = None
        self.wiped = True

    def _check_open(self) -> None:
        if self.wiped:
            raise RuntimeError("this session's data has been wiped; start a new session")


def _zero(buffer: bytearray) -> None:
    # slice assignment of the same length writes into the existing allocation
    buffer[:] = bytes(len(buffer))


def shred_file(path: Path) -> None:
    """Overwrite a file's contents with zeros, flush them to the device, then unlink it."""
    with contextlib.suppress(FileNotFoundError):
        size = path.lstat().st_size
        if stat.S_ISREG(path.lstat().st_mode) and size:
            with path.open("r+b", buffering=0) as handle:
                remaining = size
                while remaining:
                    chunk = min(remaining, _OVERWRITE_CHUNK)
                    handle.write(bytes(chunk))
                    remaining -= chunk
                os.fsync(handle.fileno())
        path.unlink()


def shred_tree(root: Path) -> None:
    """Shred every file under ``root``, then remove the directories."""
    if not root.exists():
        return
    for folder, subfolders, files in os.walk(root, topdown=False):
        for name in files:
            shred_file(Path(folder, name))
        for name in subfolders:
            path = Path(folder, name)
            if path.is_symlink():
                path.unlink()
            else:
                path.rmdir()
    # anything a racing writer added after the walk still goes
    shutil.rmtree(root, ignore_errors=True)


def clear_leftovers(runtime_root: Path | None = None) -> list[Path]:
    """Remove every session directory under the runtime root (call at start-up, before any
    session begins: a crash or power cut skipped those sessions' wipe). Returns what was
    removed."""
    root = runtime_root or default_runtime_root()
    if not root.is_dir():
        return []
    removed = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(SESSION_PREFIX) and entry.is_dir() and not entry.is_symlink():
            shred_tree(entry)
            removed.append(entry)
    return removed
