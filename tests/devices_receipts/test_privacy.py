"""After a visit nothing of the resident remains: not in the vault's buffers, not on disk;
and what a crash left behind is removed at the next start."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kiosk.privacy import SESSION_PREFIX, SessionVault, clear_leftovers

ID_NUMBER = "11010519491231002X"
PAGE = b"\x89PNG\r\n\x1a\n" + b"scanned-page-of-the-resident" * 100
SIGNATURE = b"signature-strokes-" * 50


def files_mentioning(root: Path, *needles: bytes) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and any(needle in path.read_bytes() for needle in needles):
            found.append(path)
    return found


def test_wipe_leaves_nothing(tmp_path: Path) -> None:
    root = tmp_path / "runtime"
    vault = SessionVault(root)
    id_buffer = vault.put("id_number", ID_NUMBER)
    page_buffer = vault.put("page-1", PAGE)
    signature_buffer = vault.put("signature", bytearray(SIGNATURE))
    vault.hold("card", {"name": "演示居民", "id_number": ID_NUMBER})
    assert vault.text("id_number") == ID_NUMBER

    session_dir = vault.temp_dir()
    assert stat.S_IMODE(session_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    (session_dir / "page-1.png").write_bytes(PAGE)
    (session_dir / "nested").mkdir()
    (session_dir / "nested" / "card.txt").write_text(f"身份证号 {ID_NUMBER}")
    assert files_mentioning(root, ID_NUMBER.encode(), PAGE)

    vault.wipe()

    assert not session_dir.exists()
    assert list(root.iterdir()) == []
    assert files_mentioning(root, ID_NUMBER.encode(), PAGE) == []
    for buffer, size in ((id_buffer, 18), (page_buffer, len(PAGE)), (signature_buffer, 900)):
        assert len(buffer) == size and buffer == bytearray(size), "buffer not zeroed in place"
    assert vault.names() == []
    with pytest.raises(RuntimeError):
        vault.get("id_number")
    vault.wipe()  # a second wipe is harmless


def test_context_manager_wipes_on_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError), SessionVault(tmp_path) as vault:
        buffer = vault.put("id_number", ID_NUMBER)
        folder = vault.temp_dir()
        (folder / "x").write_text(ID_NUMBER)
        raise ValueError("the visit broke off")
    assert buffer == bytearray(len(ID_NUMBER))
    assert not folder.exists()


def test_replacing_a_buffer_zeroes_the_old_one(tmp_path: Path) -> None:
    vault = SessionVault(tmp_path)
    first = vault.put("page", PAGE)
    vault.put("page", b"rescan")
    assert first == bytearray(len(PAGE))
    assert vault.get("page") == bytearray(b"rescan")
    vault.wipe()


def test_leftovers_of_a_killed_kiosk_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "runtime"
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from kiosk.privacy import SessionVault

        vault = SessionVault(Path({str(root)!r}))
        vault.put("id_number", {ID_NUMBER!r})
        folder = vault.temp_dir()
        (folder / "page-1.png").write_bytes({PAGE!r})
        (folder / "card.txt").write_text({ID_NUMBER!r})
        Path({str(ready)!r}).write_text(str(folder))
        time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert process.poll() is None, "the simulated kiosk exited early"
            assert time.monotonic() < deadline, "the simulated kiosk never got ready"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    session_dir = Path(ready.read_text())
    assert session_dir.name.startswith(SESSION_PREFIX)
    assert files_mentioning(root, ID_NUMBER.encode(), PAGE), "the crash left data behind"
    # something that is not a session directory is none of our business
    (root / "kiosk.lock").write_text("keep")

    removed = clear_leftovers(root)

    assert removed == [session_dir]
    assert not session_dir.exists()
    assert files_mentioning(root, ID_NUMBER.encode(), PAGE) == []
    assert (root / "kiosk.lock").read_text() == "keep"
    assert clear_leftovers(tmp_path / "never-made") == []
