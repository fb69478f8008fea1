"""The PC/SC backend against a real pcscd with vpcd and a virtual card on its socket."""

from __future__ import annotations

import asyncio
import ctypes.util
import datetime as dt
import importlib
import logging
import re
import time
from collections.abc import Iterator

import pytest

from kiosk.devices.base import CardType, DeviceError, DeviceUnavailable
from kiosk.devices.cards import pcsc
from kiosk.devices.cards.pcsc import PcscCardReader
from kiosk.devices.cards.profiles import load_profiles, load_profiles_toml
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.devices.cards.termb import TermbCardReader, TermbConfig
from shared.idcard import IdCardLayout, encode_text

from .conftest import PcscStack
from .virtual_card import (
    FOREIGNER_NUMBER,
    HMT_NUMBER,
    RESIDENT_NUMBER,
    VirtualCard,
    foreigner_fields,
    hmt_fields,
    resident_fields,
)

READER = "Virtual PCD 00 00"
READER_2 = "Virtual PCD 00 01"
ALL_NUMBERS = (RESIDENT_NUMBER, HMT_NUMBER, FOREIGNER_NUMBER)


def _present(reader: str) -> bool:
    from smartcard import scard

    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        hresult, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)]
        )
        return hresult == 0 and bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def _wait_present(reader: str, present: bool, timeout: float = 12.0) -> None:
    deadline = time.monotonic() + timeout
    while _present(reader) != present:
        if time.monotonic() > deadline:
            raise AssertionError(f"{reader} never became {'present' if present else 'empty'}")
        time.sleep(0.05)


@pytest.fixture
def make_card(pcscd: PcscStack) -> Iterator[type[VirtualCard]]:
    cards: list[VirtualCard] = []

    def factory(slot: int = 0, **kwargs: object) -> VirtualCard:
        card = VirtualCard(port=pcscd.port + slot, **kwargs)  # type: ignore[arg-type]
        cards.append(card)
        return card

    yield factory  # type: ignore[misc]
    for card in cards:
        card.remove()
    if any(card.port == pcscd.port for card in cards):
        _wait_present(READER, False)


def _inserted(card: VirtualCard, reader: str = READER) -> VirtualCard:
    card.insert()
    _wait_present(reader, True)
    return card


async def test_watch_sees_insert_and_removal(make_card) -> None:
    reader = PcscCardReader(READER)
    events: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()
    reader.watch(lambda name, present: events.put_nowait((name, present)))
    try:
        await asyncio.sleep(0.3)
        assert events.empty()  # nothing inserted yet
        card = make_card(text_block=encode_text(IdCardLayout.RESIDENT_ID, resident_fields()))
        card.insert()
        assert await asyncio.wait_for(events.get(), 5) == (READER, True)
        assert reader.present
        card.remove()
        assert await asyncio.wait_for(events.get(), 5) == (READER, False)
        assert not reader.present
    finally:
        await reader.close()


@pytest.mark.parametrize(
    ("layout", "fields", "card_type", "number"),
    [
        (IdCardLayout.RESIDENT_ID, resident_fields(), CardType.RESIDENT_ID, RESIDENT_NUMBER),
        (
            IdCardLayout.RESIDENCE_PERMIT_HMT,
            hmt_fields(),
            CardType.RESIDENCE_PERMIT_HMT,
            HMT_NUMBER,
        ),
        (
            IdCardLayout.PERMANENT_RESIDENCE,
            foreigner_fields(),
            CardType.PERMANENT_RESIDENCE,
            FOREIGNER_NUMBER,
        ),
    ],
)
async def test_read_id_layouts(
    make_card, caplog: pytest.LogCaptureFixture, layout, fields, card_type, number
) -> None:
    caplog.set_level(logging.DEBUG)
    card = _inserted(make_card(text_block=encode_text(layout, fields)))
    reader = PcscCardReader(READER)
    try:
        reading = await reader.read()
    finally:
        await reader.close()
    assert reading.card_type is card_type
    assert reading.id_number == number
    assert reading.valid, reading.problems
    assert reading.photo_wlt == card.photo
    assert reading.photo_png is None  # no WLT decoder configured
    if layout is IdCardLayout.RESIDENT_ID:
        assert (reading.name, reading.sex, reading.nation) == ("张示例", "女", "汉")
        assert reading.no_expiry and reading.valid_to is None
    if layout is IdCardLayout.RESIDENCE_PERMIT_HMT:
        assert reading.card_number == "H12345678"
    if layout is IdCardLayout.PERMANENT_RESIDENCE:
        assert (reading.english_name, reading.nationality) == ("SMITH, JOHN EXAMPLE", "USA")
    _assert_masked(caplog)


async def test_read_social_security_card(make_card, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _inserted(make_card(mode="social"))
    reader = PcscCardReader(READER)
    try:
        reading = await reader.read()
    finally:
        await reader.close()
    assert reading.card_type is CardType.SOCIAL_SECURITY
    assert (reading.name, reading.id_number, reading.sex) == ("张示例", RESIDENT_NUMBER, "女")
    assert reading.birth_date == dt.date(1949, 12, 31)
    assert reading.card_number == "A12345678"
    assert reading.valid_to == dt.date(2030, 1, 1)
    assert reading.valid, reading.problems
    _assert_masked(caplog)


async def test_card_pulled_mid_read(make_card) -> None:
    # on the second reader: after a pull mid-command vpcd takes ~12 s to notice the card
    # is gone, and no other test uses that reader
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields())
    _inserted(make_card(slot=1, text_block=block, pull_after=3), READER_2)
    reader = PcscCardReader(READER_2)
    try:
        with pytest.raises(DeviceError) as caught:
            await reader.read()
    finally:
        await reader.close()
    assert not isinstance(caught.value, DeviceUnavailable)
    assert "removed" in caught.value.reason or "stopped answering" in caught.value.reason


@pytest.mark.parametrize("mode", ["sam", "social"])
async def test_garbage_answers(make_card, mode: str) -> None:
    block = encode_text(IdCardLayout.RESIDENT_ID, resident_fields())
    _inserted(make_card(mode=mode, text_block=block, garbage=True))
    reader = PcscCardReader(READER)
    try:
        with pytest.raises(DeviceError, match="makes no sense"):
            await reader.read()
    finally:
        await reader.close()


async def test_wrong_status_word_is_reported(make_card) -> None:
    _inserted(make_card(mode="social", status_words={"00A4020002EF06": 0x6982}))
    reader = PcscCardReader(READER)
    try:
        with pytest.raises(DeviceError) as caught:
            await reader.read()
    finally:
        await reader.close()
    assert "SW 6982" in caught.value.reason
    assert "EF06" in caught.value.reason


async def test_unknown_card_lists_what_was_tried(make_card) -> None:
    _inserted(make_card(mode="other"))
    reader = PcscCardReader(READER)
    try:
        with pytest.raises(DeviceError, match=r"card not recognised.*6A82.*6A82"):
            await reader.read()
    finally:
        await reader.close()


async def test_virtual_card_gone_then_no_card(make_card) -> None:
    """vpcd's socket closed (the 'card side' of the virtual reader unplugged)."""
    card = _inserted(make_card(text_block=encode_text(IdCardLayout.RESIDENT_ID, resident_fields())))
    card.remove()
    _wait_present(READER, False)
    reader = PcscCardReader(READER)
    try:
        with pytest.raises(DeviceError, match="no card"):
            await reader.read()
    finally:
        await reader.close()


async def test_reader_not_connected(pcscd: PcscStack) -> None:
    reader = PcscCardReader("Some Unplugged Reader")
    events: list[tuple[str, bool]] = []
    reader.watch(lambda name, present: events.append((name, present)))
    try:
        with pytest.raises(DeviceUnavailable, match="not connected"):
            await reader.read()
        await asyncio.sleep(0.3)
        assert not reader.present
        assert events == []
    finally:
        await reader.close()


def _assert_masked(caplog: pytest.LogCaptureFixture) -> None:
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "expected some log lines"
    for number in ALL_NUMBERS:
        assert number not in text


# --- without the PC/SC stack --------------------------------------------------------------


def test_missing_pyscard(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> object:
        if name.startswith("smartcard"):
            raise ImportError("No module named 'smartcard'")
        return real(name, package)

    monkeypatch.setattr(pcsc.importlib, "import_module", fake)
    with pytest.raises(DeviceUnavailable, match="not available because pyscard is not installed"):
        PcscCardReader()


def test_profiles_from_dict_and_toml(tmp_path) -> None:
    table = {
        "acme": {
            "prepare": ["80 F0 00 00 00", "80 F1 00 00 00"],
            "text": {"select": "00A4020C020101", "read": "80B0", "chunk": 200},
            "photo": {"read": "80B2", "length": 1024, "chunk": 256},
            "fingerprint": {"select": "00A4020C020103", "length": 1024},
        }
    }
    profiles = load_profiles(table)
    assert set(profiles) == {"vwindow-default", "acme"}
    acme = profiles["acme"]
    assert acme.prepare == (bytes.fromhex("80F0000000"), bytes.fromhex("80F1000000"))
    assert acme.text.commands() == [bytes.fromhex("80B00000C8"), bytes.fromhex("80B000C838")]
    assert acme.photo.select is None and len(acme.photo.commands()) == 4
    assert acme.photo.commands()[1] == bytes.fromhex("80B2010000")
    assert acme.fingerprint is not None
    path = tmp_path / "kiosk.toml"
    path.write_text(
        "[reader_profiles.acme]\n"
        'prepare = ["80F0000000"]\n'
        'text = { read = "80B0" }\n'
        'photo = { read = "80B0" }\n'
    )
    assert load_profiles_toml(path)["acme"].text.length == 256
    with pytest.raises(ValueError, match="lacks 'photo'"):
        load_profiles({"bad": {"text": {}}})
    with pytest.raises(ValueError, match="not a hex APDU"):
        load_profiles({"bad": {"text": {"read": "zz"}, "photo": {}}})


def test_termb_missing_library(tmp_path) -> None:
    path = tmp_path / "vendor" / "libtermb.so"
    with pytest.raises(DeviceUnavailable) as caught:
        TermbCardReader(TermbConfig(library=str(path), prefix="CVR_"))
    assert str(path) in caught.value.reason


def test_termb_library_without_the_functions() -> None:
    libc = ctypes.util.find_library("c")
    if libc is None:
        pytest.skip("no libc to stand in for a vendor library")
    with pytest.raises(DeviceUnavailable, match="has no function CVR_InitComm"):
        TermbCardReader(TermbConfig(library=libc, prefix="CVR_"))


async def test_simulated_reader() -> None:
    reader = SimulatedCardReader(delay=0)
    events: list[tuple[str, bool]] = []
    reader.watch(lambda name, present: events.append((name, present)))
    with pytest.raises(DeviceError, match="no card"):
        await reader.read()
    reader.insert()
    reading = await reader.read()
    assert reading.id_number == "11010519491231002X" and reading.valid
    assert (reading.sex, reading.birth_date) == ("女", dt.date(1949, 12, 31))
    reader.insert(CardType.SOCIAL_SECURITY)
    assert (await reader.read()).card_type is CardType.SOCIAL_SECURITY
    reader.remove()
    assert events == [
        ("simulated reader", True),
        ("simulated reader", True),
        ("simulated reader", False),
    ]
    await reader.close()


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("SCARD_E_NO_SERVICE", DeviceUnavailable, "pcscd) is not running"),
        ("SCARD_E_UNKNOWN_READER", DeviceUnavailable, "is not connected"),
        ("SCARD_E_READER_UNAVAILABLE", DeviceUnavailable, "is not connected"),
        ("SCARD_W_REMOVED_CARD", DeviceError, "card was removed"),
        ("SCARD_E_NOT_TRANSACTED", DeviceError, "card was removed"),
    ],
)
def test_pcsc_result_codes(name: str, error: type[DeviceError], words: str) -> None:
    scard = pytest.importorskip("smartcard.scard")
    wrapper = pcsc._Scard(scard)
    with pytest.raises(error, match=re.escape(words)) as caught:
        wrapper.check(getattr(scard, name), "reading the card", "Reader X")
    assert type(caught.value) is error
