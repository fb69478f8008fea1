"""A simulated card reader for the demo: one fixed demo person, cards put on and taken off
on demand. It goes through the same decoding as real readers (the text block is built and
then decoded)."""

from __future__ import annotations

import asyncio
import datetime as dt

from kiosk.devices.base import (
    CardListener,
    CardReader,
    CardReading,
    CardType,
    DeviceError,
    DeviceInfo,
    DeviceKind,
)
from kiosk.devices.cards.reading import reading_from_block
from shared.idcard import IdCardLayout, encode_text

KIND = DeviceKind.CARD_READER
#: GB 11643's published example number: Beijing Chaoyang, born 1949-12-31, female
DEMO_ID_NUMBER = "11010519491231002X"
DEMO_FIELDS = {
    "name": "张示例",
    "sex": "2",
    "nation": "01",
    "birth": "19491231",
    "address": "北京市朝阳区示例街道1号",
    "id_number": DEMO_ID_NUMBER,
    "authority": "北京市公安局朝阳分局",
    "valid_from": "20200101",
    "valid_to": "长期",
}


class SimulatedCardReader(CardReader):
    def __init__(self, name: str = "simulated reader", delay: float = 0.2) -> None:
        self.info = DeviceInfo(KIND, name, "simulated", "demo person")
        self._delay = delay
        self._card: CardType | None = None
        self._listeners: list[CardListener] = []

    def insert(self, card_type: CardType = CardType.RESIDENT_ID) -> None:
        if card_type not in (CardType.RESIDENT_ID, CardType.SOCIAL_SECURITY):
            raise ValueError("the simulator has a resident ID and a social-security card")
        self._card = card_type
        for listener in list(self._listeners):
            listener(self.info.name, True)

    def remove(self) -> None:
        self._card = None
        for listener in list(self._listeners):
            listener(self.info.name, False)

    async def read(self) -> CardReading:
        await asyncio.sleep(self._delay)
        if self._card is None:
            raise DeviceError(KIND, "no card on the reader: put the card on the reader")
        block = encode_text(IdCardLayout.RESIDENT_ID, DEMO_FIELDS)
        reading = reading_from_block(block)
        if self._card is CardType.SOCIAL_SECURITY:
            return CardReading(
                card_type=CardType.SOCIAL_SECURITY,
                name=reading.name,
                id_number=reading.id_number,
                sex=reading.sex,
                nation=reading.nation,
                birth_date=reading.birth_date,
                valid_from=dt.date(2020, 1, 1),
                valid_to=dt.date(2099, 12, 31),
                card_number="A00000000",
            )
        return reading

    def watch(self, on_change: CardListener) -> None:
        self._listeners.append(on_change)

    async def close(self) -> None:
        self._listeners.clear()
        self._card = None
