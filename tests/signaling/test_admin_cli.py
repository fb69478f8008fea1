"""``vwindow admin`` as an administrator runs it: a real process, a real database file."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as decode_qr

from shared import catalog
from signaling.store.db import Database
from signaling.store.repo import Store


def admin(db: str, *args: str, stdin: str | None = None, ok: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "vwindow", "admin", "--database-url", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stderr
        return result.stdout
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    return result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'admin.db'}"


def test_sites_centers_staff_kiosks_and_catalog(db: str, tmp_path: Path) -> None:
    district = admin(db, "site", "create", "--name", "静安区", "--kind", "district").strip()
    street = admin(
        db, "site", "create", "--name", "临汾路街道", "--kind", "street", "--parent", district
    ).strip()
    committee = admin(
        db, "site", "create", "--name", "某居委会", "--kind", "committee", "--parent", street
    ).strip()
    listing = admin(db, "site", "list")
    assert "临汾路街道" in listing and committee in listing

    center = admin(db, "center", "create", "--name", "临汾中心", "--site", street).strip()
    assert center in admin(db, "center", "list")

    imported = admin(db, "catalog", "import")
    sample = catalog.load_catalog(catalog.default_catalog_path())
    assert f"imported {len(sample)} item(s)" in imported and f"{len(sample)} new" in imported
    again = admin(db, "catalog", "import")
    assert f"0 new, {len(sample)} updated" in again
    assert "YB-003" in admin(db, "catalog", "list")
    assert "yibao" in admin(db, "skill", "list")

    staff_id = admin(
        db,
        "staff",
        "create",
        "--center",
        "临汾中心",
        "--username",
        "zhang",
        "--name",
        "张三",
        "--skills",
        "yibao,minzheng",
        "--window",
        "5",
        "--password-stdin",
        stdin="long enough password\n",
    ).strip()
    assert staff_id.startswith("stf-")
    staff = admin(db, "staff", "list", "--center", center)
    assert "zhang" in staff and "minzheng,yibao" in staff
    assert admin(db, "staff", "skills", "--username", "zhang", "--skills", "yibao").strip() == (
        "yibao"
    )

    qr = tmp_path / "enroll.png"
    out = admin(
        db,
        "kiosk",
        "create",
        "--center",
        center,
        "--name",
        "1号机",
        "--site",
        committee,
        "--qr",
        str(qr),
        "--server-url",
        "https://vw.example.test",
    )
    code = next(line.split()[-1] for line in out.splitlines() if line.startswith("enrollment code"))
    decoded = decode_qr(Image.open(qr))
    assert len(decoded) == 1
    uri = urlparse(decoded[0].data.decode())
    assert uri.scheme == "vwindow" and uri.netloc == "enroll"
    assert parse_qs(uri.query) == {"server": ["https://vw.example.test"], "code": [code]}
    assert "awaiting enrollment" in admin(db, "kiosk", "list")

    async def enroll() -> str | None:
        database = Database(db)
        try:
            result = await Store(database).enroll(code)
            return result[0].kiosk_id if result else None
        finally:
            await database.close()

    kiosk_id = asyncio.run(enroll())
    assert kiosk_id is not None
    assert "enrolled" in admin(db, "kiosk", "list", "--center", "临汾中心")
    admin(db, "kiosk", "disable", "--kiosk", kiosk_id)
    assert "disabled" in admin(db, "kiosk", "list")


def test_errors_are_plain_and_exit_2(db: str, tmp_path: Path) -> None:
    assert "no center" in admin(
        db,
        "staff",
        "create",
        "--center",
        "nowhere",
        "--username",
        "u",
        "--name",
        "U",
        "--password-stdin",
        stdin="long enough password\n",
        ok=False,
    )
    admin(db, "center", "create", "--name", "C")
    assert "exists already" in admin(db, "center", "create", "--name", "C", ok=False)
    assert "at least 8" in admin(
        db,
        "staff",
        "create",
        "--center",
        "C",
        "--username",
        "u",
        "--name",
        "U",
        "--password-stdin",
        stdin="short\n",
        ok=False,
    )
    assert "unknown skill" in admin(
        db,
        "staff",
        "create",
        "--center",
        "C",
        "--username",
        "u",
        "--name",
        "U",
        "--skills",
        "astrology",
        "--password-stdin",
        stdin="long enough password\n",
        ok=False,
    )
    # without a terminal and without --password-stdin there is nobody to ask
    assert "--password-stdin" in admin(
        db,
        "staff",
        "create",
        "--center",
        "C",
        "--username",
        "u",
        "--name",
        "U",
        ok=False,
    )
    broken = tmp_path / "broken.csv"
    broken.write_text("code,name,skill\n,无编号,yibao\n", encoding="utf-8")
    assert "row 2" in admin(db, "catalog", "import", str(broken), ok=False)


def test_catalog_import_json(db: str, tmp_path: Path) -> None:
    items = catalog.load_catalog(catalog.default_catalog_path())[:3]
    as_json = tmp_path / "items.json"
    as_json.write_bytes(catalog.dump_json(items))
    assert "3 new" in admin(db, "catalog", "import", str(as_json))
    payload = json.loads(as_json.read_text(encoding="utf-8"))
    assert len(payload) == 3 or len(payload.get("items", [])) == 3
