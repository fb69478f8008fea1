"""ICE servers for a call, fetched from the server's TURN credentials endpoint."""

from __future__ import annotations

import aiohttp

from shared.call.session import IceServer


async def fetch_ice_servers(
    server_url: str, token: str, http: aiohttp.ClientSession
) -> list[IceServer]:
    """Short-lived TURN credentials (none configured: an empty list, host candidates only)."""
    async with http.get(
        f"{server_url}/api/v1/turn", headers={"Authorization": f"Bearer {token}"}
    ) as response:
        response.raise_for_status()
        body = await response.json()
    return IceServer.from_api(body["ice_servers"])
