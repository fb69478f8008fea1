"""Turning decoded card data into the kiosk's ``CardReading``."""

from __future__ import annotations

import datetime as dt

from kiosk.devices.base import CardReading, CardType
from shared.idcard import IdCardLayout, IdCardText, WltDecoder, decode_photo, decode_text

_TYPES = {
    IdCardLayout.RESIDENT_ID: CardType.RESIDENT_ID,
    IdCardLayout.RESIDENCE_PERMIT_HMT: CardType.RESIDENCE_PERMIT_HMT,
    IdCardLayout.PERMANENT_RESIDENCE: CardType.PERMANENT_RESIDENCE,
    IdCardLayout.PERMANENT_RESIDENCE_2023: CardType.PERMANENT_RESIDENCE,
}


def reading_from_text(
    text: IdCardText,
    *,
    wlt: bytes | None = None,
    decoder: WltDecoder | None = None,
) -> CardReading:
    png, photo_problem = decode_photo(wlt, decoder)
    problems = text.problems + ((photo_problem,) if photo_problem else ())
    return CardReading(
        card_type=_TYPES[text.layout],
        name=text.name,
        id_number=text.id_number,
        sex=text.sex,
        nation=text.nation,
        birth_date=text.birth_date,
        address=text.address,
        authority=text.authority,
        valid_from=text.valid_from,
        valid_to=text.valid_to,
        no_expiry=text.no_expiry,
        card_number=text.pass_number,
        english_name=text.english_name,
        nationality=text.nationality,
        photo_wlt=wlt,
        photo_png=png,
        problems=problems,
    )


def reading_from_block(
    block: bytes,
    *,
    wlt: bytes | None = None,
    decoder: WltDecoder | None = None,
    today: dt.date | None = None,
) -> CardReading:
    """Raises ``shared.idcard.IdCardFormatError`` for a block that cannot be decoded."""
    return reading_from_text(decode_text(block, today=today), wlt=wlt, decoder=decoder)
