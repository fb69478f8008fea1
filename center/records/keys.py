"""The records service's place in the aiohttp application, shared by its route modules."""

from __future__ import annotations

from aiohttp import web

from center.records.cases import CaseService

CASES = web.AppKey("cases", CaseService)
