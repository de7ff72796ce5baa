"""Token providers for SyncClient: a fixed token, or fresh access tokens bought with a refresh token."""

from __future__ import annotations

import aiohttp


class RefreshTokenProvider:
    """Calls the gateway's POST /v1/auth/refresh with a refresh token for each new access token.
    Awaited on the client's side loop; the refresh token is sent only in the Authorization header."""

    def __init__(self, http_base: str, refresh_token: str):
        self.url = http_base.rstrip("/").replace("ws://", "http://").replace("wss://", "https://") + "/v1/auth/refresh"
        self._refresh = refresh_token

    def __repr__(self) -> str:
        return f"RefreshTokenProvider({self.url!r})"

    async def __call__(self) -> str:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:
            async with s.post(self.url, headers={"Authorization": f"Bearer {self._refresh}"}) as r:
                body = await r.json()
                if r.status != 200:
                    raise aiohttp.ClientResponseError(r.request_info, (), status=r.status, message=body.get("error", ""))
                return body["token"]
