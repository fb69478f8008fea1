"""A PC/SC card reader (pyscard): SAM ID readers through a pseudo-APDU profile, and
social-security cards through standard APDUs.

All reads run on the reader's :class:`DeviceThread`. Insert/remove events come from a
watcher thread of its own, blocked in ``SCardGetStatusChange`` with its own PC/SC context
(pcsc-lite wants one context per thread; a blocking wait cannot share the read thread).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import logging
import threading
from collections.abc import Sequence
from typing import Any

from kiosk.devices.base import (
    CardListener,
    CardReader,
    CardReading,
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    DeviceUnavailable,
)
from kiosk.devices.cards.apdu import (
    NOT_THIS_CARD,
    CardStatusError,
    Transmit,
    command,
    describe_sw,
    exchange,
    garbage,
)
from kiosk.devices.cards.profiles import DEFAULT_PROFILE, FileRead, SamProfile
from kiosk.devices.cards.reading import reading_from_block
from kiosk.devices.cards.social import SELECT_SSSE, read_social_card
from shared.idcard import IdCardFormatError, WltDecoder
from shared.identity import mask_id_number, mask_id_numbers

log = logging.getLogger(__name__)

KIND = DeviceKind.CARD_READER
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"


def _load_scard() -> Any:
    try:
        return importlib.import_module("smartcard.scard")
    except ImportError as exc:
        raise DeviceUnavailable(
            KIND, f"PC/SC card reader not available because pyscard is not installed ({exc})"
        ) from exc


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


class _Scard:
    """Thin wrapper: pyscard's low-level calls with their result codes turned into errors."""

    def __init__(self, scard: Any) -> None:
        self.s = scard
        self.removed = {
            _code(scard.SCARD_W_REMOVED_CARD),
            _code(scard.SCARD_E_NO_SMARTCARD),
            _code(scard.SCARD_W_RESET_CARD),
            _code(scard.SCARD_W_UNPOWERED_CARD),
            _code(scard.SCARD_E_NOT_TRANSACTED),
            _code(scard.SCARD_F_COMM_ERROR),
            _code(scard.SCARD_E_INVALID_HANDLE),
        }
        self.reader_gone = {
            _code(scard.SCARD_E_UNKNOWN_READER),
            _code(scard.SCARD_E_READER_UNAVAILABLE),
            _code(scard.SCARD_E_NO_READERS_AVAILABLE),
        }
        self.no_service = _code(scard.SCARD_E_NO_SERVICE)
        self.timeout = _code(scard.SCARD_E_TIMEOUT)
        self.cancelled = _code(scard.SCARD_E_CANCELLED)

    def message(self, hresult: int) -> str:
        return str(self.s.SCardGetErrorMessage(hresult)).strip().rstrip(".")

    def check(self, hresult: int, what: str, reader: str = "") -> None:
        if hresult == self.s.SCARD_S_SUCCESS:
            return
        code = _code(hresult)
        detail = f"{self.message(hresult)}, 0x{code:08X}"
        if code == self.no_service:
            raise DeviceUnavailable(
                KIND, f"{what}: the PC/SC service (pcscd) is not running ({detail})"
            )
        if code in self.reader_gone:
            raise DeviceUnavailable(
                KIND, f"{what}: card reader {reader!r} is not connected ({detail})"
            )
        if code in self.removed:
            raise DeviceError(
                KIND,
                f"{what}: the card was removed or stopped answering ({detail}); put the card "
                "back and leave it on the reader until reading is done",
            )
        raise DeviceError(KIND, f"{what}: PC/SC error ({detail})")

    def establish(self) -> Any:
        hresult, context = self.s.SCardEstablishContext(self.s.SCARD_SCOPE_USER)
        self.check(hresult, "connecting to the PC/SC service")
        return context

    def readers(self, context: Any) -> list[str]:
        hresult, names = self.s.SCardListReaders(context, [])
        if _code(hresult) in self.reader_gone:
            return []
        self.check(hresult, "listing card readers")
        return list(names)


def choose_reader(names: Sequence[str], wanted: str | None) -> str | None:
    """The exact name, else the first containing ``wanted``; None wanted: the first reader."""
    if not names:
        return None
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    return next((n for n in names if wanted in n), None)


class PcscCardReader(CardReader):
    """``reader``: name (or part of it) of the PC/SC reader; None takes the first one.
    ``kinds``: what to try on a card, in order: "sam" (the SAM profile's pseudo-APDUs)
    and/or "social" (a social-security card)."""

    def __init__(
        self,
        reader: str | None = None,
        *,
        profile: SamProfile = DEFAULT_PROFILE,
        kinds: Sequence[str] = ("sam", "social"),
        wlt_decoder: WltDecoder | None = None,
        watch_timeout_ms: int = 300,
    ) -> None:
        unknown = set(kinds) - {"sam", "social"}
        if unknown or not kinds:
            raise ValueError(f"kinds must be 'sam' and/or 'social', got {list(kinds)}")
        self._scard = _Scard(_load_scard())
        self.wanted = reader
        self.profile = profile
        self.kinds = tuple(kinds)
        self.wlt_decoder = wlt_decoder
        self.info = DeviceInfo(KIND, reader or "first PC/SC reader", "pcsc", profile.name)
        self._thread = DeviceThread("card-pcsc")
        self._context: Any = None
        self._watch_timeout = watch_timeout_ms
        self._watcher: threading.Thread | None = None
        self._watch_context: Any = None
        self._stop = threading.Event()
        #: last state the watcher saw (False also when the reader is gone)
        self.present = False

    # --- reading ---------------------------------------------------------------------

    async def read(self) -> CardReading:
        reading = await self._thread.run(self._read_blocking)
        log.info(
            "read %s card %s (%s)",
            reading.card_type,
            mask_id_number(reading.id_number),
            "valid" if reading.valid else f"{len(reading.problems)} problem(s)",
        )
        return reading

    def _context_now(self) -> Any:
        if self._context is None:
            self._context = self._scard.establish()
        return self._context

    def _read_blocking(self) -> CardReading:
        s = self._scard
        try:
            context = self._context_now()
            names = s.readers(context)
        except DeviceUnavailable:
            self._drop_context()
            raise
        name = choose_reader(names, self.wanted)
        if name is None:
            raise DeviceUnavailable(
                KIND,
                f"card reader {self.wanted or '(any)'} is not connected "
                f"(readers present: {', '.join(names) or 'none'})",
            )
        hresult, card, protocol = s.s.SCardConnect(
            context, name, s.s.SCARD_SHARE_SHARED, s.s.SCARD_PROTOCOL_T0 | s.s.SCARD_PROTOCOL_T1
        )
        if _code(hresult) in (_code(s.s.SCARD_E_NO_SMARTCARD), _code(s.s.SCARD_W_REMOVED_CARD)):
            raise DeviceError(KIND, f"no card on reader {name!r}: put the card on the reader")
        s.check(hresult, "connecting to the card", name)
        try:
            return self._read_card(self._transmitter(card, protocol, name))
        finally:
            s.s.SCardDisconnect(card, s.s.SCARD_RESET_CARD)

    def _drop_context(self) -> None:
        if self._context is not None:
            self._scard.s.SCardReleaseContext(self._context)
            self._context = None

    def _transmitter(self, card: Any, protocol: Any, reader: str) -> Transmit:
        s = self._scard

        def transmit(apdu: bytes) -> tuple[bytes, int]:
            hresult, response = s.s.SCardTransmit(card, protocol, list(apdu))
            s.check(hresult, "reading the card", reader)
            if len(response) < 2:
                # no status word at all: vpcd (and some readers) answer so when the card
                # went away mid-command; ask the reader before calling it garbage
                s.check(s.s.SCardStatus(card)[0], "reading the card", reader)
                raise DeviceError(
                    KIND,
                    "reading the card: the card stopped answering (no status word); it was "
                    "probably moved or taken off: put it back and hold it still",
                )
            sw = (response[-2] << 8) | response[-1]
            log.debug("APDU %s → %s", apdu[:4].hex(), f"{sw:04X}")
            return bytes(response[:-2]), sw

        return transmit

    def _read_card(self, transmit: Transmit) -> CardReading:
        refused: list[str] = []
        for kind in self.kinds:
            try:
                if kind == "sam":
                    return self._read_sam(transmit)
                return self._read_social(transmit)
            except _NotThisCard as exc:
                refused.append(f"{exc.what}: {describe_sw(exc.sw)}")
        raise DeviceError(
            KIND, "card not recognised (" + "; ".join(refused) + "); is it the right card?"
        )

    def _read_sam(self, transmit: Transmit) -> CardReading:
        for index, apdu in enumerate(self.profile.prepare):
            _, sw = exchange(transmit, apdu)
            if sw != 0x9000:
                what = f"ID reader profile {self.profile.name}: preparing ({apdu[:4].hex()})"
                if index == 0 and sw in NOT_THIS_CARD:
                    raise _NotThisCard(what, sw)
                raise CardStatusError(what, sw)
        text = self._read_file(transmit, self.profile.text, "text")
        photo = self._read_file(transmit, self.profile.photo, "photo")
        try:
            return reading_from_block(text, wlt=photo, decoder=self.wlt_decoder)
        except IdCardFormatError as exc:
            raise garbage("ID card text", str(exc)) from exc

    def _read_file(self, transmit: Transmit, spec: FileRead, label: str) -> bytes:
        what = f"ID reader profile {self.profile.name}: reading the {label}"
        if spec.select is not None:
            command(transmit, spec.select, f"{what} (select)")
        out = bytearray()
        for apdu in spec.commands():
            chunk = command(transmit, apdu, what)
            expected = apdu[-1] or 256
            if len(chunk) != expected:
                raise garbage(what, f"{len(chunk)} bytes where {expected} were asked for")
            out += chunk
        return bytes(out)

    def _read_social(self, transmit: Transmit) -> CardReading:
        _, sw = exchange(transmit, SELECT_SSSE)
        if sw in NOT_THIS_CARD:
            raise _NotThisCard("social-security application (SSSE)", sw)
        if sw != 0x9000:
            raise CardStatusError("social-security card: selecting SSSE", sw)
        return read_social_card(transmit, today=dt.date.today())

    # --- events ----------------------------------------------------------------------

    def watch(self, on_change: CardListener) -> None:
        """``on_change(reader, present)`` on insert/removal, and present False when the
        reader disappears. Called on the event loop that was running when ``watch`` was
        called (else on the watcher thread)."""
        if self._watcher is not None:
            raise RuntimeError("already watching")
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None

        def deliver(reader: str, present: bool) -> None:
            self.present = present
            if loop is None:
                on_change(reader, present)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(on_change, reader, present)

        self._watch_context = self._scard.establish()
        self._watcher = threading.Thread(
            target=self._watch_loop, args=(deliver,), name="card-pcsc-watch", daemon=True
        )
        self._watcher.start()

    def _watch_loop(self, deliver: CardListener) -> None:
        s = self._scard
        context = self._watch_context
        known: dict[str, int] = {}
        announced: dict[str, bool] = {}
        while not self._stop.is_set():
            try:
                names = s.readers(context)
            except DeviceError as exc:
                log.warning("card watcher: %s", mask_id_numbers(exc.reason))
                self._stop.wait(1.0)
                continue
            name = choose_reader(names, self.wanted)
            for gone in [n for n in announced if n != name]:
                if announced.pop(gone):
                    deliver(gone, False)
                known.pop(gone, None)
            if name is None:
                self._stop.wait(0.5)
                continue
            state = known.get(name, s.s.SCARD_STATE_UNAWARE)
            hresult, states = s.s.SCardGetStatusChange(
                context, self._watch_timeout, [(name, state)]
            )
            code = _code(hresult)
            if code in (s.timeout, s.cancelled) or self._stop.is_set():
                continue
            if hresult != s.s.SCARD_S_SUCCESS:
                if announced.pop(name, False):
                    deliver(name, False)
                known.pop(name, None)
                self._stop.wait(0.5)
                continue
            event = states[0][1]
            known[name] = event & ~s.s.SCARD_STATE_CHANGED
            gone = event & (s.s.SCARD_STATE_UNKNOWN | s.s.SCARD_STATE_UNAVAILABLE)
            present = bool(event & s.s.SCARD_STATE_PRESENT) and not gone
            if announced.get(name) != present:
                first = name not in announced
                announced[name] = present
                if present or not first:
                    deliver(name, present)
            if gone:
                self._stop.wait(0.5)

    async def close(self) -> None:
        self._stop.set()
        if self._watch_context is not None:
            self._scard.s.SCardCancel(self._watch_context)
        if self._watcher is not None:
            await asyncio.to_thread(self._watcher.join, 5)
            self._watcher = None
        if self._watch_context is not None:
            self._scard.s.SCardReleaseContext(self._watch_context)
            self._watch_context = None
        try:
            await self._thread.run(self._drop_context)
        finally:
            self._thread.close()


class _NotThisCard(Exception):
    def __init__(self, what: str, sw: int) -> None:
        super().__init__(what)
        self.what = what
        self.sw = sw


def list_pcsc_readers() -> list[str]:
    """Names of the readers the PC/SC service sees now (DeviceError when it is not running)."""
    scard = _Scard(_load_scard())
    hresult, context = scard.s.SCardEstablishContext(scard.s.SCARD_SCOPE_USER)
    scard.check(hresult, "connecting to the PC/SC service")
    try:
        return scard.readers(context)
    finally:
        scard.s.SCardReleaseContext(context)
