"""The credentials the server hands out are accepted by a real coturn, and refused once
expired."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aioice import stun
from aioice.turn import create_turn_endpoint

from signaling.config import TurnConfig
from signaling.turn import turn_credentials


class _Sink(asyncio.DatagramProtocol):
    pass


async def _allocate(coturn: Any, username: str, password: str) -> tuple[str, int]:
    transport, _ = await create_turn_endpoint(
        _Sink, server_addr=(coturn.host, coturn.port), username=username, password=password
    )
    try:
        relayed: tuple[str, int] = transport.get_extra_info("sockname")
        return relayed
    finally:
        transport.close()


async def test_issued_credentials_allocate_a_relay(coturn: Any) -> None:
    config = TurnConfig(urls=(coturn.url,), secret=coturn.secret, ttl_s=300)
    ice = turn_credentials(config, "ksk-test", time.time())["ice_servers"]
    assert isinstance(ice, list)
    server = ice[0]
    host, port = await _allocate(coturn, server["username"], server["credential"])
    assert host == "127.0.0.1" and port > 0


async def test_expired_credentials_are_refused(coturn: Any) -> None:
    config = TurnConfig(urls=(coturn.url,), secret=coturn.secret, ttl_s=300)
    ice = turn_credentials(config, "ksk-test", time.time() - 3600)["ice_servers"]
    assert isinstance(ice, list)
    with pytest.raises(stun.TransactionFailed) as err:
        await _allocate(coturn, ice[0]["username"], ice[0]["credential"])
    assert err.value.response.attributes["ERROR-CODE"][0] == 401


async def test_wrong_secret_is_refused(coturn: Any) -> None:
    config = TurnConfig(urls=(coturn.url,), secret="not-the-secret", ttl_s=300)
    ice = turn_credentials(config, "ksk-test", time.time())["ice_servers"]
    assert isinstance(ice, list)
    with pytest.raises(stun.TransactionFailed):
        await _allocate(coturn, ice[0]["username"], ice[0]["credential"])
