"""The text a resident-ID reader hands over, decoded and cross-checked (no hardware here).

A SAM-equipped reader (through a vendor SDK or vendor pseudo-APDUs) delivers a 256-byte
UCS-2LE text block and a 1024-byte WLT photo. The same 256 bytes come in several layouts,
told apart by the card-type marker character at byte 248:

- space / NUL: resident ID card (居民身份证)
- ``J``: residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证)
- ``I``: foreigner's permanent residence card, 2017 edition (外国人永久居留身份证)
- ``Y``: foreigner's permanent residence card, 2023 edition

:func:`decode_text` returns an :class:`IdCardText`; every inconsistency found (bad check
digit, birth date or sex not matching the number, dates out of order, an expired card, an
unknown code) is listed in ``problems`` and nothing is guessed. The kiosk's card backends
turn this into ``kiosk.devices.base.CardReading`` (``shared`` may not import ``kiosk``).

The photo is vendor-encoded (WLT); decoding it needs a licensed vendor library, plugged in
through the :class:`WltDecoder` protocol (see :class:`CtypesWltDecoder`).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import enum
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from shared.identity import is_valid_id_number

TEXT_BLOCK_SIZE = 256
WLT_SIZE = 1024
#: byte offset of the two-byte (one UCS-2 character) card-type marker
TYPE_MARKER_OFFSET = 248
NO_EXPIRY = "长期"


class IdCardLayout(enum.StrEnum):
    RESIDENT_ID = "resident_id"
    RESIDENCE_PERMIT_HMT = "residence_permit_hmt"
    PERMANENT_RESIDENCE = "permanent_residence"
    PERMANENT_RESIDENCE_2023 = "permanent_residence_2023"


#: field name and size in bytes, in order; each layout adds up to 256 bytes
LAYOUTS: Mapping[IdCardLayout, tuple[tuple[str, int], ...]] = {
    IdCardLayout.RESIDENT_ID: (
        ("name", 30),
        ("sex", 2),
        ("nation", 4),
        ("birth", 16),
        ("address", 70),
        ("id_number", 36),
        ("authority", 30),
        ("valid_from", 16),
        ("valid_to", 16),
        ("reserved", 36),
    ),
    IdCardLayout.RESIDENCE_PERMIT_HMT: (
        ("name", 30),
        ("sex", 2),
        ("reserved1", 4),
        ("birth", 16),
        ("address", 70),
        ("id_number", 36),
        ("authority", 30),
        ("valid_from", 16),
        ("valid_to", 16),
        ("pass_number", 18),
        ("issue_count", 4),
        ("reserved2", 6),
        ("type", 2),
        ("reserved3", 6),
    ),
    IdCardLayout.PERMANENT_RESIDENCE: (
        ("english_name", 120),
        ("sex", 2),
        ("id_number", 30),
        ("nationality", 6),
        ("name", 30),
        ("valid_from", 16),
        ("valid_to", 16),
        ("birth", 16),
        ("card_version", 4),
        ("authority_code", 8),
        ("type", 2),
        ("reserved", 6),
    ),
    IdCardLayout.PERMANENT_RESIDENCE_2023: (
        ("name", 30),
        ("sex", 2),
        ("renewal_count", 4),
        ("birth", 16),
        ("english_name", 70),
        ("id_number", 36),
        ("reserved1", 30),
        ("valid_from", 16),
        ("valid_to", 16),
        ("english_name_more", 22),
        ("nationality", 6),
        ("type", 2),
        ("previous_number_link", 6),
    ),
}

_MARKERS: Mapping[str, IdCardLayout] = {
    " ": IdCardLayout.RESIDENT_ID,
    "\0": IdCardLayout.RESIDENT_ID,
    "J": IdCardLayout.RESIDENCE_PERMIT_HMT,
    "I": IdCardLayout.PERMANENT_RESIDENCE,
    "Y": IdCardLayout.PERMANENT_RESIDENCE_2023,
}
_LAYOUT_MARKER: Mapping[IdCardLayout, str] = {
    IdCardLayout.RESIDENT_ID: " ",
    IdCardLayout.RESIDENCE_PERMIT_HMT: "J",
    IdCardLayout.PERMANENT_RESIDENCE: "I",
    IdCardLayout.PERMANENT_RESIDENCE_2023: "Y",
}

#: GB/T 2261.1 sex codes
SEX_CODES: Mapping[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

#: GB/T 3304 codes of China's 56 ethnic groups, plus 97 and 98
NATION_CODES: Mapping[str, str] = {
    "01": "汉",
    "02": "蒙古",
    "03": "回",
    "04": "藏",
    "05": "维吾尔",
    "06": "苗",
    "07": "彝",
    "08": "壮",
    "09": "布依",
    "10": "朝鲜",
    "11": "满",
    "12": "侗",
    "13": "瑶",
    "14": "白",
    "15": "土家",
    "16": "哈尼",
    "17": "哈萨克",
    "18": "傣",
    "19": "黎",
    "20": "傈僳",
    "21": "佤",
    "22": "畲",
    "23": "高山",
    "24": "拉祜",
    "25": "水",
    "26": "东乡",
    "27": "纳西",
    "28": "景颇",
    "29": "柯尔克孜",
    "30": "土",
    "31": "达斡尔",
    "32": "仫佬",
    "33": "羌",
    "34": "布朗",
    "35": "撒拉",
    "36": "毛南",
    "37": "仡佬",
    "38": "锡伯",
    "39": "阿昌",
    "40": "普米",
    "41": "塔吉克",
    "42": "怒",
    "43": "乌孜别克",
    "44": "俄罗斯",
    "45": "鄂温克",
    "46": "德昂",
    "47": "保安",
    "48": "裕固",
    "49": "京",
    "50": "塔塔尔",
    "51": "独龙",
    "52": "鄂伦春",
    "53": "赫哲",
    "54": "门巴",
    "55": "珞巴",
    "56": "基诺",
    "97": "其他",
    "98": "外国血统中国籍人士",
}


class IdCardFormatError(ValueError):
    """The block is not a text block we can decode (wrong size, unknown card-type marker)."""


@dataclass(frozen=True)
class IdCardText:
    layout: IdCardLayout
    name: str
    id_number: str
    sex: str | None = None
    sex_code: str = ""
    nation: str | None = None
    nation_code: str = ""
    birth_date: dt.date | None = None
    address: str | None = None
    authority: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    no_expiry: bool = False
    #: HK/Macao/Taiwan permits: the travel-permit number printed on the card
    pass_number: str | None = None
    issue_count: str | None = None
    english_name: str | None = None
    #: foreigners' cards: ISO 3166-1 alpha-3 nationality code
    nationality: str | None = None
    card_version: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.problems


# --- decoding --------------------------------------------------------------------------------


def detect_layout(block: bytes) -> IdCardLayout:
    if len(block) != TEXT_BLOCK_SIZE:
        raise IdCardFormatError(
            f"the text block has {len(block)} bytes; a card's text block has {TEXT_BLOCK_SIZE}"
        )
    marker = block[TYPE_MARKER_OFFSET : TYPE_MARKER_OFFSET + 2].decode("utf-16-le", "replace")
    layout = _MARKERS.get(marker)
    if layout is None:
        raise IdCardFormatError(f"unknown card-type marker {marker!r} at byte 248")
    return layout


def split_fields(block: bytes, layout: IdCardLayout) -> tuple[dict[str, str], list[str]]:
    """The raw text of each field (padding stripped), and any encoding problems found."""
    fields: dict[str, str] = {}
    problems: list[str] = []
    offset = 0
    for name, size in LAYOUTS[layout]:
        raw = block[offset : offset + size]
        offset += size
        try:
            text = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            text = raw.decode("utf-16-le", "replace")
            problems.append(f"field {name} is not valid UCS-2 text")
        fields[name] = text.strip(" \0\u3000")
    return fields, problems


def parse_date(text: str, what: str, problems: list[str]) -> dt.date | None:
    """A YYYYMMDD date; anything else is reported, not guessed."""
    if not text:
        problems.append(f"{what} is missing")
        return None
    if len(text) != 8 or not text.isdigit():
        problems.append(f"{what} {text!r} is not a YYYYMMDD date")
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        problems.append(f"{what} {text!r} is not a real date")
        return None


def check_id_number(
    id_number: str,
    *,
    birth_date: dt.date | None,
    sex_code: str,
    problems: list[str],
) -> None:
    """GB 11643 checks of an 18-character number: check digit, birth date, sex parity.
    (Messages never contain the number itself: they end up in logs and on screens.)"""
    number = id_number.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        problems.append("ID number is not 18 characters of digits (last may be X)")
        return
    if not is_valid_id_number(number):
        problems.append("ID number check digit (GB 11643) does not match")
    embedded = number[6:14]
    if birth_date is not None and embedded != birth_date.strftime("%Y%m%d"):
        problems.append(
            f"birth date {birth_date.isoformat()} does not match the one in the ID number"
        )
    if sex_code in ("1", "2"):
        odd = int(number[16]) % 2 == 1
        if (sex_code == "1") != odd:
            problems.append(
                f"sex {SEX_CODES[sex_code]} does not match the ID number's 17th digit "
                f"({'odd: male' if odd else 'even: female'})"
            )


def check_validity(
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    no_expiry: bool,
    birth_date: dt.date | None,
    today: dt.date,
    problems: list[str],
) -> None:
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        problems.append(
            f"valid from {valid_from.isoformat()} is after valid to {valid_to.isoformat()}"
        )
    if valid_to is not None and not no_expiry and valid_to < today:
        problems.append(f"card expired on {valid_to.isoformat()}")
    if valid_from is not None and valid_from > today:
        problems.append(f"card not valid until {valid_from.isoformat()}")
    if birth_date is not None and birth_date > today:
        problems.append(f"birth date {birth_date.isoformat()} is in the future")


def decode_sex(code: str, problems: list[str]) -> str | None:
    if code in SEX_CODES:
        return SEX_CODES[code]
    problems.append(f"unknown sex code {code!r}")
    return None


def decode_nation(code: str, problems: list[str]) -> str | None:
    if code in NATION_CODES:
        return NATION_CODES[code]
    problems.append(f"unknown nation code {code!r} (GB 3304)")
    return None


def decode_text(block: bytes, *, today: dt.date | None = None) -> IdCardText:
    """Decode and cross-check a 256-byte text block.

    Raises :class:`IdCardFormatError` only when the block cannot be decoded at all; all
    other findings land in ``problems``.
    """
    layout = detect_layout(block)
    fields, problems = split_fields(block, layout)
    today = today or dt.date.today()

    sex_code = fields["sex"]
    sex = decode_sex(sex_code, problems)
    birth = parse_date(fields["birth"], "birth date", problems)
    valid_from = parse_date(fields["valid_from"], "valid-from date", problems)
    to_text = fields["valid_to"]
    no_expiry = to_text == NO_EXPIRY
    valid_to = None if no_expiry else parse_date(to_text, "valid-to date", problems)
    id_number = fields["id_number"].upper()
    name = fields["name"]
    if not name and layout is not IdCardLayout.PERMANENT_RESIDENCE:
        problems.append("name is missing")

    nation: str | None = None
    nation_code = ""
    pass_number = issue_count = english_name = nationality = version = None
    address = fields.get("address") or None
    authority = fields.get("authority") or None

    if layout is IdCardLayout.RESIDENT_ID:
        nation_code = fields["nation"]
        nation = decode_nation(nation_code, problems)
        check_id_number(id_number, birth_date=birth, sex_code=sex_code, problems=problems)
        if not address:
            problems.append("address is missing")
    elif layout is IdCardLayout.RESIDENCE_PERMIT_HMT:
        check_id_number(id_number, birth_date=birth, sex_code=sex_code, problems=problems)
        if id_number[:2] not in ("81", "82", "83"):
            problems.append(
                "a Hong Kong/Macao/Taiwan residence permit number starts with 81, 82 or 83"
            )
        pass_number = fields["pass_number"] or None
        issue_count = fields["issue_count"] or None
        if pass_number is None:
            problems.append("travel-permit number is missing")
    elif layout is IdCardLayout.PERMANENT_RESIDENCE:
        english_name = fields["english_name"] or None
        nationality = fields["nationality"] or None
        version = fields["card_version"] or None
        authority = fields["authority_code"] or None
        if english_name is None:
            problems.append("English name is missing")
        if len(id_number) != 15 or not id_number[:3].isalpha() or not id_number[3:].isdigit():
            problems.append("permanent residence number is not 3 letters and 12 digits")
        elif nationality and id_number[:3] != nationality:
            problems.append("nationality does not match the permanent residence number")
    else:  # 2023 edition
        english_name = (fields["english_name"] + fields["english_name_more"]).strip() or None
        nationality = fields["nationality"] or None
        check_id_number(id_number, birth_date=birth, sex_code=sex_code, problems=problems)
        if id_number[:1] != "9":
            problems.append("a 2023 permanent residence number starts with 9")

    check_validity(
        valid_from=valid_from,
        valid_to=valid_to,
        no_expiry=no_expiry,
        birth_date=birth,
        today=today,
        problems=problems,
    )
    return IdCardText(
        layout=layout,
        name=name,
        id_number=id_number,
        sex=sex,
        sex_code=sex_code,
        nation=nation,
        nation_code=nation_code,
        birth_date=birth,
        address=address,
        authority=authority,
        valid_from=valid_from,
        valid_to=valid_to,
        no_expiry=no_expiry,
        pass_number=pass_number,
        issue_count=issue_count,
        english_name=english_name,
        nationality=nationality,
        card_version=version,
        problems=tuple(problems),
    )


def encode_text(layout: IdCardLayout, values: Mapping[str, str]) -> bytes:
    """Build a 256-byte block (simulators and tests): each value space-padded to its field;
    the type marker is set from the layout."""
    out = bytearray()
    for name, size in LAYOUTS[layout]:
        value = _LAYOUT_MARKER[layout] if name == "type" else values.get(name, "")
        raw = value.encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{name} is {len(raw)} bytes, the field holds {size}")
        out += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    if layout is IdCardLayout.RESIDENT_ID:
        out[TYPE_MARKER_OFFSET : TYPE_MARKER_OFFSET + 2] = b" \0"
    unknown = set(values) - {name for name, _ in LAYOUTS[layout]}
    if unknown:
        raise ValueError(f"no such fields in {layout}: {sorted(unknown)}")
    return bytes(out)


# --- photo -----------------------------------------------------------------------------------


@runtime_checkable
class WltDecoder(Protocol):
    """Turns the card's 1024-byte WLT photo into PNG bytes (or raises)."""

    def decode(self, wlt: bytes) -> bytes: ...


PHOTO_WIDTH = 102
PHOTO_HEIGHT = 126


class CtypesWltDecoder:
    """A vendor WLT library loaded with ctypes.

    The library must export ``int <function>(const unsigned char *wlt,
    unsigned char *out, int flags)`` that writes 102x126 pixels, 3 bytes each (BGR, rows
    top-down) into ``out`` and returns ``success_code`` on success. Vendors' libraries
    (libwlt / WltRS / DLL_File) differ in name, pixel order and return code: configure
    ``function``, ``bgr`` and ``success_code`` from the vendor's documentation.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        function: str = "unpack",
        flags: int = 0,
        bgr: bool = True,
        success_code: int = 1,
    ) -> None:
        self.path = str(path)
        try:
            self._lib = ctypes.CDLL(self.path)
        except OSError as exc:
            raise OSError(f"cannot load WLT decoder library {self.path}: {exc}") from exc
        try:
            self._function = getattr(self._lib, function)
        except AttributeError as exc:
            raise OSError(f"WLT decoder library {self.path} has no function {function}") from exc
        self._function.restype = ctypes.c_int
        self._function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        self._flags = flags
        self._bgr = bgr
        self._success = success_code

    def decode(self, wlt: bytes) -> bytes:
        if len(wlt) != WLT_SIZE:
            raise ValueError(f"a WLT photo has {WLT_SIZE} bytes, got {len(wlt)}")
        size = PHOTO_WIDTH * PHOTO_HEIGHT * 3
        out = ctypes.create_string_buffer(size + 1024)  # headroom for vendors' padding
        code = self._function(wlt, out, self._flags)
        if code != self._success:
            raise RuntimeError(f"WLT decoder returned {code}")
        return pixels_to_png(out.raw[:size], bgr=self._bgr)


def pixels_to_png(pixels: bytes, *, bgr: bool) -> bytes:
    from PIL import Image  # lazy: only when a decoder is configured

    image = Image.frombytes("RGB", (PHOTO_WIDTH, PHOTO_HEIGHT), pixels)
    if bgr:
        b, g, r = image.split()
        image = Image.merge("RGB", (r, g, b))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def decode_photo(wlt: bytes | None, decoder: WltDecoder | None) -> tuple[bytes | None, str | None]:
    """(PNG or None, problem or None). No decoder configured is not a problem: the photo is
    simply unavailable. A decoder failing is reported, never raised."""
    if wlt is None or decoder is None:
        return None, None
    try:
        return decoder.decode(wlt), None
    except Exception as exc:  # a vendor library may fail in any way
        return None, f"photo could not be decoded: {type(exc).__name__}: {exc}"
