"""Records rules and the records cipher, without server or database."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from center.records import rules
from center.records.crypto import RecordsCipher, RecordsKeyError, is_sealed, load_key
from center.records.rules import Outcome, RecordsErrorCode, RuleError

UTC = dt.UTC


def test_case_numbers_are_readable_and_count_per_local_day() -> None:
    assert rules.format_case_number("JA01", "20261122", 7) == "JA01-20261122-0007"
    assert rules.format_case_number("JA01", "20261122", 12345) == "JA01-20261122-12345"
    assert rules.is_case_number("JA01-20261122-0007")
    assert not rules.is_case_number("../etc/passwd")
    assert not rules.is_case_number("ja01-20261122-0007")
    with pytest.raises(ValueError):
        rules.format_case_number("JA01", "20261122", 0)
    # 23:30 UTC is already the next morning in Shanghai: numbering follows the center's day
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert rules.local_day(late, "Asia/Shanghai") == "20261123"
    assert rules.local_day(late, "UTC") == "20261122"


def test_center_codes_come_from_the_center_id_shortest_first() -> None:
    assert rules.center_code_candidates("ctr-0232b679861e") == [
        "0232",
        "0232B6",
        "0232B679",
        "0232B679861E",
    ]
    assert rules.center_code_candidates("x") == ["X"]


@pytest.mark.parametrize(
    ("outcome", "details", "problem"),
    [
        ("accepted", {}, None),
        ("needs_more", {}, "missing materials"),
        ("needs_more", {"missing_materials": ["  "]}, "missing materials"),
        ("needs_more", {"missing_materials": ["户口簿"]}, None),
        ("referred", {}, "referred_to"),
        ("referred", {"referred_to": "区民政局"}, None),
        ("cannot_be_done", {}, "reason"),
        ("cannot_be_done", {"reason": "系统不支持"}, None),
        ("accepted", {"missing_materials": ["户口簿"]}, "needs_more only"),
        ("approved", {}, "outcome must be"),
        ("accepted", {"note": "x" * 2001}, "2000"),
    ],
)
def test_each_outcome_needs_its_details(
    outcome: str, details: dict[str, object], problem: str | None
) -> None:
    if problem is None:
        closing = rules.check_closing(outcome, **details)  # type: ignore[arg-type]
        assert closing.outcome == Outcome(outcome)
        return
    with pytest.raises(RuleError) as refused:
        rules.check_closing(outcome, **details)  # type: ignore[arg-type]
    assert refused.value.code == RecordsErrorCode.RULE_VIOLATION
    assert problem in refused.value.reason


def test_reviews_ratings_events_and_reasons() -> None:
    assert rules.check_review(True, "") == ""
    assert rules.check_review(False, " 看不清 ") == "看不清"
    with pytest.raises(RuleError, match="reason"):
        rules.check_review(False, "  ")
    assert rules.check_rating(5, ["态度好", " "]) == (5, ("态度好",))
    for bad in (0, 6, True):
        with pytest.raises(RuleError):
            rules.check_rating(bad, [])
    assert rules.check_event("scan_again", " 第2页 ") == ("scan_again", "第2页")
    with pytest.raises(RuleError):
        rules.check_event("closed", "")  # written by the service only
    with pytest.raises(RuleError):
        rules.check_reason(" ")


def test_the_kiosk_may_give_feedback_during_the_call_and_for_the_window_after() -> None:
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    window = dt.timedelta(minutes=30)
    assert rules.feedback_open(None, now, window)
    assert rules.feedback_open(now - dt.timedelta(minutes=30), now, window)
    assert not rules.feedback_open(now - dt.timedelta(minutes=30, seconds=1), now, window)


def test_retention_selects_cases_closed_before_the_cutoff_once() -> None:
    now = dt.datetime(2026, 11, 22, tzinfo=UTC)
    cutoff = rules.purge_cutoff(now, 365)
    assert cutoff == dt.datetime(2025, 11, 22, tzinfo=UTC)
    old = cutoff - dt.timedelta(seconds=1)
    assert rules.is_purgeable("closed", old, None, cutoff)
    assert not rules.is_purgeable("closed", cutoff, None, cutoff)
    assert not rules.is_purgeable("open", None, None, cutoff)
    assert not rules.is_purgeable("open", old, None, cutoff)  # never an unfinished matter
    assert not rules.is_purgeable("closed", old, now, cutoff)  # purged already
    with pytest.raises(ValueError):
        rules.purge_cutoff(now, -1)


def test_a_purged_form_keeps_its_shape_not_its_values() -> None:
    form = {
        "form_id": "f1",
        "title": "申请",
        "fields": [{"key": "name", "label": "姓名", "value": "张三"}],
        "confirmed": True,
        "comment": "地址写错了",
    }
    assert rules.purged_form(form) == {
        "form_id": "f1",
        "title": "申请",
        "fields": [{"key": "name", "label": "姓名", "value": ""}],
        "confirmed": True,
        "comment": "",
    }
    assert rules.purged_form(None) is None


def test_the_card_is_shown_with_the_id_number_masked() -> None:
    masked = rules.mask("11010519491231002X")
    assert masked == "110***********002X"
    view = rules.card_view({"name": "张三", "card_type": "resident_id"}, masked)
    assert view["id_number_masked"] == masked and view["name"] == "张三"
    assert "id_number" not in view


def test_sealed_records_open_only_with_their_key_and_context() -> None:
    cipher = RecordsCipher(os.urandom(32))
    sealed = cipher.seal(b"page bytes", "page:req-1/pg-1")
    assert is_sealed(sealed) and b"page bytes" not in sealed
    assert cipher.open(sealed, "page:req-1/pg-1") == b"page bytes"
    with pytest.raises(RecordsKeyError):
        cipher.open(sealed, "page:req-1/pg-2")  # copied onto another page
    with pytest.raises(RecordsKeyError):
        RecordsCipher(os.urandom(32)).open(sealed, "page:req-1/pg-1")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(RecordsKeyError):
        cipher.open(tampered, "page:req-1/pg-1")
    # two seals of the same text differ (fresh nonce); the search hash does not
    assert cipher.seal_text("x", "c") != cipher.seal_text("x", "c")
    assert cipher.search_hash("11010519491231002x") == cipher.search_hash(" 11010519491231002X")
    assert cipher.search_hash("11010519491231002X") != RecordsCipher(os.urandom(32)).search_hash(
        "11010519491231002X"
    )


def test_the_key_file_is_created_private_once_and_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "records.key"
    key = load_key(path, env={})
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path, env={}) == key  # read back, not replaced
    other = os.urandom(32)
    assert load_key(path, env={"VWINDOW_RECORDS_KEY": base64.b64encode(other).decode()}) == other
    path.write_text("not base64!", encoding="ascii")
    with pytest.raises(RecordsKeyError):
        load_key(path, env={})
    with pytest.raises(RecordsKeyError):
        load_key(path, env={"VWINDOW_RECORDS_KEY": base64.b64encode(b"short").decode()})


def test_records_settings_from_the_config_file_and_environment(tmp_path: Path) -> None:
    from signaling.config import ConfigError, load_config

    path = tmp_path / "vwindow.toml"
    path.write_text(
        '[records]\nretention_days = 730\nkey_file = "/etc/vwindow/records.key"\n'
        'timezone = "Asia/Urumqi"\n',
        encoding="utf-8",
    )
    config = load_config(path, env={})
    assert config.records.retention_days == 730
    assert config.records.key_file == "/etc/vwindow/records.key"
    assert config.records.timezone == "Asia/Urumqi"
    assert config.records.feedback_window_min == 30
    moved = load_config(path, env={"VWINDOW_RECORDS_KEY_FILE": "/run/keys/records.key"})
    assert moved.records.key_file == "/run/keys/records.key"
    assert load_config(None, env={}).records.retention_days == 1095
    path.write_text("[records]\nretain = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="records"):
        load_config(path, env={})


def test_page_files_are_sealed_and_older_plaintext_pages_still_read(tmp_path: Path) -> None:
    from center.records.pages import PageStore

    cipher = RecordsCipher(os.urandom(32))
    store = PageStore(tmp_path, cipher)
    folder = tmp_path / "ctr-1" / "req-1"
    folder.mkdir(parents=True)
    data = b"\xff\xd8\xff\xe0" + os.urandom(1000)
    store._write_content(folder / "pg-1.bin", data)
    assert (folder / "pg-1.bin").read_bytes()[:4] == b"VWE1"
    assert store._read_content(folder / "pg-1.bin") == data
    # a page stored before encryption was turned on
    (folder / "pg-0.bin").write_bytes(data)
    assert store._read_content(folder / "pg-0.bin") == data
    # renamed onto another page's file, a sealed page does not open
    os.replace(folder / "pg-1.bin", folder / "pg-2.bin")
    with pytest.raises(RecordsKeyError):
        store._read_content(folder / "pg-2.bin")
    with pytest.raises(RuntimeError, match="no records key"):
        PageStore(tmp_path)._read_content(folder / "pg-2.bin")
