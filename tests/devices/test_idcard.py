"""Decoding the 256-byte text block (all layouts) and its cross-checks; no hardware."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk.devices.base import CardType
from kiosk.devices.cards.reading import reading_from_block
from shared.idcard import (
    LAYOUTS,
    NATION_CODES,
    SEX_CODES,
    TEXT_BLOCK_SIZE,
    CtypesWltDecoder,
    IdCardFormatError,
    IdCardLayout,
    decode_photo,
    decode_text,
    encode_text,
    pixels_to_png,
)

from .virtual_card import (
    FOREIGNER_2023_NUMBER,
    FOREIGNER_NUMBER,
    HMT_NUMBER,
    RESIDENT_NUMBER,
    foreigner_2023_fields,
    foreigner_fields,
    hmt_fields,
    resident_fields,
    with_check_digit,
)

TODAY = dt.date(2026, 11, 22)


def test_layouts_are_256_bytes_with_marker_at_248() -> None:
    for layout, fields in LAYOUTS.items():
        assert sum(size for _, size in fields) == TEXT_BLOCK_SIZE, layout
        if layout is not IdCardLayout.RESIDENT_ID:
            offset = 0
            for name, size in fields:
                if name == "type":
                    assert offset == 248
                offset += size


def test_resident_id() -> None:
    text = decode_text(encode_text(IdCardLayout.RESIDENT_ID, resident_fields()), today=TODAY)
    assert text.layout is IdCardLayout.RESIDENT_ID
    assert (text.name, text.sex, text.nation, text.id_number) == (
        "张示例",
        "女",
        "汉",
        RESIDENT_NUMBER,
    )
    assert text.birth_date == dt.date(1949, 12, 31)
    assert text.address == "北京市朝阳区示例路1号"
    assert text.authority == "北京市公安局朝阳分局"
    assert text.valid_from == dt.date(2020, 1, 1)
    assert text.no_expiry and text.valid_to is None
    assert text.valid, text.problems


def test_hmt_residence_permit() -> None:
    text = decode_text(encode_text(IdCardLayout.RESIDENCE_PERMIT_HMT, hmt_fields()), today=TODAY)
    assert text.layout is IdCardLayout.RESIDENCE_PERMIT_HMT
    assert text.id_number == HMT_NUMBER
    assert (text.sex, text.pass_number, text.issue_count) == ("男", "H12345678", "01")
    assert text.nation is None
    assert text.valid_to == dt.date(2029, 1, 1)
    assert text.valid, text.problems
    reading = reading_from_block(encode_text(IdCardLayout.RESIDENCE_PERMIT_HMT, hmt_fields()))
    assert reading.card_type is CardType.RESIDENCE_PERMIT_HMT
    assert reading.card_number == "H12345678"


def test_hmt_number_must_start_81_to_83() -> None:
    number = with_check_digit("11000019900101123")
    block = encode_text(IdCardLayout.RESIDENCE_PERMIT_HMT, hmt_fields(id_number=number))
    assert any("81, 82 or 83" in p for p in decode_text(block, today=TODAY).problems)


def test_foreigner_permanent_residence() -> None:
    block = encode_text(IdCardLayout.PERMANENT_RESIDENCE, foreigner_fields())
    text = decode_text(block, today=TODAY)
    assert text.layout is IdCardLayout.PERMANENT_RESIDENCE
    assert text.english_name == "SMITH, JOHN EXAMPLE"
    assert (text.name, text.id_number, text.nationality) == ("史密斯", FOREIGNER_NUMBER, "USA")
    assert text.birth_date == dt.date(1980, 1, 1)
    assert text.card_version == "02" and text.authority == "1100"
    assert text.valid, text.problems
    assert reading_from_block(block).card_type is CardType.PERMANENT_RESIDENCE


def test_foreigner_nationality_mismatch() -> None:
    block = encode_text(IdCardLayout.PERMANENT_RESIDENCE, foreigner_fields(nationality="CAN"))
    assert any("nationality" in p for p in decode_text(block, today=TODAY).problems)


def test_foreigner_2023_edition() -> None:
    block = encode_text(IdCardLayout.PERMANENT_RESIDENCE_2023, foreigner_2023_fields())
    text = decode_text(block, today=TODAY)
    assert text.layout is IdCardLayout.PERMANENT_RESIDENCE_2023
    assert (text.id_number, text.nationality, text.english_name) == (
        FOREIGNER_2023_NUMBER,
        "CAN",
        "LEE, EXAMPLE",
    )
    assert text.valid, text.problems


@pytest.mark.parametrize(("code", "name"), sorted(NATION_CODES.items()))
def test_nation_codes(code: str, name: str) -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(nation=code))
    text = decode_text(block, today=TODAY)
    assert text.nation == name and text.nation_code == code
    assert text.valid


def test_nation_table_is_complete() -> None:
    assert len(NATION_CODES) == 58
    assert [f"{i:02d}" for i in range(1, 57)] == sorted(NATION_CODES)[:56]
    assert NATION_CODES["02"] == "蒙古" and NATION_CODES["56"] == "基诺"


def test_unknown_nation_code_is_a_problem() -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(nation="81"))
    text = decode_text(block, today=TODAY)
    assert text.nation is None
    assert text.problems == ("unknown nation code '81' (GB 3304)",)


def test_sex_codes() -> None:
    assert SEX_CODES == {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
    for code in ("0", "9"):
        block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(sex=code))
        text = decode_text(block, today=TODAY)
        assert text.sex == SEX_CODES[code] and text.valid
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(sex="5"))
    assert "unknown sex code '5'" in decode_text(block, today=TODAY).problems


def test_sex_not_matching_number() -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(sex="1"))
    text = decode_text(block, today=TODAY)
    assert text.sex == "男"  # as on the card: reported, not corrected
    assert any("17th digit" in p for p in text.problems)


def test_check_digit_failure() -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(id_number="110105194912310021"))
    text = decode_text(block, today=TODAY)
    assert text.id_number == "110105194912310021"
    assert text.problems == ("ID number check digit (GB 11643) does not match",)
    assert not text.valid


def test_malformed_number() -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(id_number="1101051949"))
    assert any("18 characters" in p for p in decode_text(block, today=TODAY).problems)


def test_birth_date_mismatch() -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(birth="19491230"))
    text = decode_text(block, today=TODAY)
    assert text.birth_date == dt.date(1949, 12, 30)
    assert text.problems == ("birth date 1949-12-30 does not match the one in the ID number",)


def test_expired_card() -> None:
    block = encode_text(
        IdCardLayout.RESIDENT_ID, resident_fields(valid_from="20060101", valid_to="20260101")
    )
    text = decode_text(block, today=TODAY)
    assert text.problems == ("card expired on 2026-01-01",)
    assert decode_text(block, today=dt.date(2025, 12, 31)).valid


def test_dates_out_of_order_and_bad_dates() -> None:
    block = encode_text(
        IdCardLayout.RESIDENT_ID, resident_fields(valid_from="20300101", valid_to="20200101")
    )
    problems = decode_text(block, today=TODAY).problems
    assert "valid from 2030-01-01 is after valid to 2020-01-01" in problems
    assert "card not valid until 2030-01-01" in problems
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(valid_to="20250230"))
    assert "valid-to date '20250230' is not a real date" in decode_text(block).problems
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields(valid_to="永久"))
    assert "valid-to date '永久' is not a YYYYMMDD date" in decode_text(block).problems


def test_messages_never_contain_the_number() -> None:
    block = encode_text(
        IdCardLayout.RESIDENT_ID,
        resident_fields(id_number="110105194912310021", birth="19500101", sex="1"),
    )
    problems = decode_text(block, today=TODAY).problems
    assert len(problems) == 3
    assert not any("1101051949" in p for p in problems)


def test_not_a_text_block() -> None:
    with pytest.raises(IdCardFormatError, match="255 bytes"):
        decode_text(b"\0" * 255)
    block = bytearray(encode_text(IdCardLayout.RESIDENT_ID, resident_fields()))
    block[248:250] = "Q".encode("utf-16-le")
    with pytest.raises(IdCardFormatError, match="unknown card-type marker 'Q'"):
        decode_text(bytes(block))


def test_broken_ucs2_is_reported() -> None:
    block = bytearray(encode_text(IdCardLayout.RESIDENT_ID, resident_fields()))
    block[0:2] = b"\x00\xd8"  # a lone high surrogate
    assert "field name is not valid UCS-2 text" in decode_text(bytes(block)).problems


def test_encode_rejects_overlong_and_unknown_fields() -> None:
    with pytest.raises(ValueError, match="holds 30"):
        encode_text(IdCardLayout.RESIDENT_ID, resident_fields(name="长" * 16))
    with pytest.raises(ValueError, match="no such fields"):
        encode_text(IdCardLayout.RESIDENT_ID, {"nickname": "x"})


# --- photo -----------------------------------------------------------------------------------


class _Raising:
    def decode(self, wlt: bytes) -> bytes:
        raise RuntimeError("licence dongle missing")


class _Grey:
    def decode(self, wlt: bytes) -> bytes:
        return pixels_to_png(bytes([128]) * (102 * 126 * 3), bgr=True)


def test_photo_without_decoder() -> None:
    assert decode_photo(b"\1" * 1024, None) == (None, None)
    reading = reading_from_block(
        encode_text(IdCardLayout.RESIDENT_ID, resident_fields()), wlt=b"\1" * 1024
    )
    assert reading.photo_png is None and reading.photo_wlt == b"\1" * 1024
    assert reading.valid


def test_photo_decoder_failing_is_a_problem_not_a_crash() -> None:
    reading = reading_from_block(
        encode_text(IdCardLayout.RESIDENT_ID, resident_fields()),
        wlt=b"\1" * 1024,
        decoder=_Raising(),
        today=TODAY,
    )
    assert reading.photo_png is None
    assert reading.problems == ("photo could not be decoded: RuntimeError: licence dongle missing",)


def test_photo_decoder_plugged_in() -> None:
    png, problem = decode_photo(b"\1" * 1024, _Grey())
    assert problem is None and png is not None and png.startswith(b"\x89PNG")


def test_ctypes_decoder_missing_library() -> None:
    with pytest.raises(OSError, match=re.escape("/opt/vendor/libwlt.so")):
        CtypesWltDecoder("/opt/vendor/libwlt.so")
