"""Adapter for termb-style ID reader SDKs (a vendor .so/.dll loaded with ctypes).

Many SAM ID readers ship an SDK with this C interface (names with or without a ``CVR_``
prefix, depending on the vendor and version):

- ``int InitComm(int port)``: open the reader; ports 1..16 are serial, 1001..1016 USB.
- ``int Authenticate(void)``: find and select a card on the reader (poll it).
- ``int Read_Content(int active)``: read the card; writes the 256-byte text block
  (``wz.txt``) and the 1024-byte WLT photo (``xp.wlt``) into the SDK's working folder.
- ``int CloseComm(void)``.

Each returns 1 on success. File names, the working folder and the success code vary by
vendor: all are settings of :class:`TermbConfig`. Nothing of this is testable without a
vendor library; see docs/devices-cards.md.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
from dataclasses import dataclass
from pathlib import Path
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
from kiosk.devices.cards.reading import reading_from_block
from shared.idcard import TEXT_BLOCK_SIZE, IdCardFormatError, WltDecoder
from shared.identity import mask_id_number

log = logging.getLogger(__name__)
KIND = DeviceKind.CARD_READER
SYMBOLS = ("InitComm", "Authenticate", "Read_Content", "CloseComm")


@dataclass(frozen=True)
class TermbConfig:
    #: path of the vendor library (libtermb.so, termb.dll, ...)
    library: str
    port: int = 1001
    #: "CVR_" for CVR_InitComm..., "" for InitComm...
    prefix: str = ""
    #: folder where the SDK writes its files (usually the process's working folder)
    work_dir: str = "."
    text_file: str = "wz.txt"
    photo_file: str = "xp.wlt"
    read_mode: int = 1
    success: int = 1
    poll_interval: float = 0.5


class TermbCardReader(CardReader):
    def __init__(self, config: TermbConfig, *, wlt_decoder: WltDecoder | None = None) -> None:
        self.config = config
        self.wlt_decoder = wlt_decoder
        try:
            self._lib: Any = ctypes.CDLL(config.library)
        except OSError as exc:
            raise DeviceUnavailable(
                KIND, f"ID reader SDK library {config.library} could not be loaded: {exc}"
            ) from exc
        self._functions: dict[str, Any] = {}
        for symbol in SYMBOLS:
            name = config.prefix + symbol
            try:
                function = getattr(self._lib, name)
            except AttributeError as exc:
                raise DeviceUnavailable(
                    KIND, f"ID reader SDK library {config.library} has no function {name}"
                ) from exc
            function.restype = ctypes.c_int
            self._functions[symbol] = function
        self._functions["InitComm"].argtypes = [ctypes.c_int]
        self._functions["Read_Content"].argtypes = [ctypes.c_int]
        self.info = DeviceInfo(KIND, f"termb port {config.port}", "termb", config.library)
        self._thread = DeviceThread("card-termb")
        self._open = False
        self._watch_task: asyncio.Task[None] | None = None

    def _call(self, symbol: str, *args: int) -> int:
        return int(self._functions[symbol](*args))

    def _ensure_open(self) -> None:
        if not self._open:
            code = self._call("InitComm", self.config.port)
            if code != self.config.success:
                raise DeviceUnavailable(
                    KIND, f"ID reader on port {self.config.port} did not open (code {code})"
                )
            self._open = True

    def _card_there(self) -> bool:
        self._ensure_open()
        return self._call("Authenticate") == self.config.success

    def _read_blocking(self) -> CardReading:
        if not self._card_there():
            raise DeviceError(KIND, "no card on the ID reader: put the card on the reader")
        code = self._call("Read_Content", self.config.read_mode)
        if code != self.config.success:
            raise DeviceError(
                KIND, f"reading the card failed (SDK code {code}); hold the card still"
            )
        folder = Path(self.config.work_dir)
        try:
            text = (folder / self.config.text_file).read_bytes()[:TEXT_BLOCK_SIZE]
        except OSError as exc:
            raise DeviceError(KIND, f"the SDK wrote no text file: {exc}") from exc
        try:
            photo: bytes | None = (folder / self.config.photo_file).read_bytes()
        except OSError:
            photo = None
        try:
            return reading_from_block(text, wlt=photo, decoder=self.wlt_decoder)
        except IdCardFormatError as exc:
            raise DeviceError(KIND, f"the SDK's text file makes no sense: {exc}") from exc

    async def read(self) -> CardReading:
        reading = await self._thread.run(self._read_blocking)
        log.info("read %s card %s", reading.card_type, mask_id_number(reading.id_number))
        return reading

    def watch(self, on_change: CardListener) -> None:
        """Polls ``Authenticate`` on the device thread; needs a running event loop."""
        if self._watch_task is not None:
            raise RuntimeError("already watching")
        self._watch_task = asyncio.get_running_loop().create_task(self._poll(on_change))

    async def _poll(self, on_change: CardListener) -> None:
        present = False
        while True:
            try:
                now = await self._thread.run(self._card_there)
            except DeviceError as exc:
                log.warning("ID reader: %s", exc.reason)
                now = False
            if now != present:
                present = now
                on_change(self.info.name, present)
            await asyncio.sleep(self.config.poll_interval)

    async def close(self) -> None:
        if self._watch_task is not None:
            self._watch_task.cancel()
            self._watch_task = None
        if self._open:
            await self._thread.run(self._call, "CloseComm")
            self._open = False
        self._thread.close()
