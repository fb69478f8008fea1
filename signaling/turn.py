"""Short-lived TURN credentials in coturn's REST scheme (``use-auth-secret``)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from signaling.config import TurnConfig


def turn_credentials(config: TurnConfig, user: str, now: float) -> dict[str, object]:
    """ICE servers for a client, valid for ``config.ttl_s`` from ``now``.

    Username ``"<expiry unix time>:<user>"``, password base64(HMAC-SHA1(secret, username)):
    coturn recomputes the same HMAC and refuses the credential once the expiry has passed.
    """
    ice_servers: list[dict[str, object]] = []
    if config.stun_urls:
        ice_servers.append({"urls": list(config.stun_urls)})
    expires_at = int(now) + config.ttl_s
    if config.urls and config.secret:
        username = f"{expires_at}:{user}"
        mac = hmac.new(config.secret.encode(), username.encode(), hashlib.sha1).digest()
        ice_servers.append(
            {
                "urls": list(config.urls),
                "username": username,
                "credential": base64.b64encode(mac).decode(),
            }
        )
    return {
        "ice_servers": ice_servers,
        "turn_configured": bool(config.urls and config.secret),
        "ttl_s": config.ttl_s,
        "expires_at": expires_at,
    }
