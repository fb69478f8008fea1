"""Social-security cards (社会保障卡, LD/T 32): the cardholder data readable without a PIN.

Application SSSE is selected by its DF name ``sx1.sh.社会保障`` (GBK). Its record files hold
one TLV per record, the record number equal to the tag:

- EF05 (card/issuer data): 05 issue date (4 bytes BCD YYYYMMDD), 06 expiry date (4 bytes
  BCD), 07 card number (9 characters)
- EF06 (cardholder data): 08 social security number (18 characters, the ID number),
  09 name (30 bytes GBK, padded), 0A sex (1 character, GB 2261), 0B nation (1 byte BCD,
  GB 3304), 0D birth date (4 bytes BCD)

Each record is read with READ RECORD (``00 B2 <record> 04 <Le>``) after selecting the file.
"""

from __future__ import annotations

import datetime as dt

from kiosk.devices.base import CardReading, CardType
from kiosk.devices.cards.apdu import Transmit, command, garbage
from shared.idcard import (
    check_id_number,
    check_validity,
    decode_nation,
    decode_sex,
    parse_date,
)

SSSE_NAME = b"sx1.sh." + "社会保障".encode("gbk")
SELECT_SSSE = bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_NAME)]) + SSSE_NAME
SELECT_EF05 = bytes.fromhex("00A4020002EF05")
SELECT_EF06 = bytes.fromhex("00A4020002EF06")

#: record/tag → (file, value length, meaning)
RECORDS: dict[int, tuple[str, int, str]] = {
    0x05: ("EF05", 4, "issue date"),
    0x06: ("EF05", 4, "expiry date"),
    0x07: ("EF05", 9, "card number"),
    0x08: ("EF06", 18, "social security number"),
    0x09: ("EF06", 30, "name"),
    0x0A: ("EF06", 1, "sex"),
    0x0B: ("EF06", 1, "nation"),
    0x0D: ("EF06", 4, "birth date"),
}


def read_record_apdu(record: int) -> bytes:
    return bytes([0x00, 0xB2, record, 0x04, RECORDS[record][1] + 2])


def read_record(transmit: Transmit, record: int) -> bytes:
    file, length, meaning = RECORDS[record]
    what = f"social-security card: reading {meaning} ({file} record {record:02X})"
    data = command(transmit, read_record_apdu(record), what)
    if len(data) < 2 or data[0] != record:
        raise garbage(what, f"expected a TLV with tag {record:02X}")
    if data[1] > length or len(data) != data[1] + 2:
        raise garbage(what, f"length {data[1]} in a {length}-byte record of {len(data)} bytes")
    return data[2:]


def _text(raw: bytes, encoding: str, what: str) -> str:
    try:
        return raw.decode(encoding).strip(" \0\xff\u3000")
    except UnicodeDecodeError as exc:
        raise garbage(f"social-security card: {what}", f"not {encoding} text") from exc


def _bcd(raw: bytes, what: str) -> str:
    text = raw.hex().upper()
    if not text.isdigit():
        raise garbage(f"social-security card: {what}", "not BCD digits")
    return text


def read_social_card(transmit: Transmit, *, today: dt.date | None = None) -> CardReading:
    """Assumes SSSE is already selected (see :data:`SELECT_SSSE`)."""
    today = today or dt.date.today()
    command(transmit, SELECT_EF05, "social-security card: selecting EF05 (card data)")
    issued_raw = read_record(transmit, 0x05)
    expiry_raw = read_record(transmit, 0x06)
    card_number = _text(read_record(transmit, 0x07), "ascii", "card number")
    command(transmit, SELECT_EF06, "social-security card: selecting EF06 (cardholder data)")
    number = _text(read_record(transmit, 0x08), "ascii", "social security number").upper()
    name = _text(read_record(transmit, 0x09), "gbk", "name")
    sex_code = _text(read_record(transmit, 0x0A), "ascii", "sex")
    nation_code = _bcd(read_record(transmit, 0x0B), "nation")
    birth_text = _bcd(read_record(transmit, 0x0D), "birth date")

    problems: list[str] = []
    if not name:
        problems.append("name is missing")
    sex = decode_sex(sex_code, problems)
    nation = decode_nation(nation_code, problems)
    birth = parse_date(birth_text, "birth date", problems)
    valid_from = parse_date(_bcd(issued_raw, "issue date"), "issue date", problems)
    valid_to = parse_date(_bcd(expiry_raw, "expiry date"), "expiry date", problems)
    check_id_number(number, birth_date=birth, sex_code=sex_code, problems=problems)
    check_validity(
        valid_from=valid_from,
        valid_to=valid_to,
        no_expiry=False,
        birth_date=birth,
        today=today,
        problems=problems,
    )
    return CardReading(
        card_type=CardType.SOCIAL_SECURITY,
        name=name,
        id_number=number,
        sex=sex,
        nation=nation,
        birth_date=birth,
        valid_from=valid_from,
        valid_to=valid_to,
        card_number=card_number or None,
        problems=tuple(problems),
    )
