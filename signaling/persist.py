"""Write-behind of queue state: routing answers from memory at once, and what changed reaches
the database within ``interval_s`` in batched transactions, so a restarted server finds the
queue as it was and KPIs find every timestamp."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from signaling.routing import Request
from signaling.store.repo import Store

log = logging.getLogger(__name__)


def _at(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)


def request_row(request: Request, *, finished: bool, identified: bool) -> dict[str, Any]:
    if finished:
        status = "ended" if request.answered_at is not None else "left"
    else:
        status = str(request.status)
    wait_s = None
    if request.answered_at is not None:
        wait_s = request.answered_at - request.arrived_at
    handle_s = None
    if finished and request.answered_at is not None and request.ended_at is not None:
        handle_s = request.ended_at - request.answered_at
    return {
        "id": request.request_id,
        "center_id": request.center_id,
        "kiosk_id": request.kiosk_id,
        "item_code": request.item_code,
        "skill": request.skill,
        "priority": int(request.priority),
        "identified": identified,
        "status": status,
        "created_at": _at(request.arrived_at),
        "first_ring_at": _at(request.first_ring_at),
        "answered_at": _at(request.answered_at),
        "ended_at": _at(request.ended_at) if finished else None,
        "clerk_id": request.clerk_id,
        "call_id": request.call_id,
        "end_reason": str(request.end_reason) if finished and request.end_reason else None,
        "ended_by": str(request.ended_by) if finished and request.ended_by else None,
        "outcome": request.outcome if finished else None,
        "wait_s": wait_s,
        "handle_s": handle_s,
    }


class RequestWriter:
    def __init__(self, store: Store, interval_s: float = 0.05, batch: int = 500) -> None:
        self.store = store
        self.interval_s = interval_s
        self.batch = batch
        self._rows: dict[str, dict[str, Any]] = {}
        self._rings: list[dict[str, Any]] = []
        self._seen: dict[str, dt.datetime] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: batches must reach the database in order (a ring's result after the ring)
        self._lock = asyncio.Lock()
        self.failures = 0

    def put_request(self, row: dict[str, Any]) -> None:
        self._rows[row["id"]] = row
        self._wake.set()

    def put_ring(self, request_id: str, clerk_id: str, at: float, result: str | None) -> None:
        when = _at(at)
        if result is None:
            ring = {"request_id": request_id, "clerk_id": clerk_id, "rang_at": when}
        else:
            ring = {"request_id": request_id, "clerk_id": clerk_id, "result": result}
            ring["ended_at"] = when
        self._rings.append(ring)
        self._wake.set()

    def touch_kiosk(self, kiosk_id: str, at: float) -> None:
        """Remember when a kiosk was last connected (written with the next batch)."""
        when = _at(at)
        assert when is not None
        self._seen[kiosk_id] = when
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._rows) + len(self._rings) + len(self._seen)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="request-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def flush(self) -> None:
        """Write everything pending now; safe to call from several tasks."""
        async with self._lock:
            while self._rows or self._rings:
                rows = list(self._rows.values())[: self.batch]
                for row in rows:
                    del self._rows[row["id"]]
                # rings refer to their request: only once every pending request row is in
                rings = [] if self._rows else self._rings[: self.batch * 2]
                del self._rings[: len(rings)]
                try:
                    await self.store.save_requests(rows, rings)
                except BaseException:
                    # keep them for the next round (also when cancelled mid-write); a row
                    # queued meanwhile for the same id is newer and wins
                    self.failures += 1
                    for row in rows:
                        self._rows.setdefault(row["id"], row)
                    self._rings[:0] = rings
                    raise
            if self._seen:
                seen, self._seen = self._seen, {}
                try:
                    await self.store.touch_kiosks(seen)
                except BaseException:
                    self._seen = {**seen, **self._seen}
                    raise

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.interval_s)
            try:
                await self.flush()
            except Exception:
                log.exception("could not write queue state; retrying in 1 s")
                await asyncio.sleep(1.0)
                self._wake.set()
