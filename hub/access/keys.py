"""API keys: issued once, stored hashed, checked on every request, revocable.

A key reads ``hub_<key id>_<secret>``.  The key id is public (it names the key in
lists and in the audit log); only a SHA-256 hash of the secret is stored.  A plain
hash is enough here, unlike for passwords: the secret is 32 random bytes, so there is
nothing to guess that a slow hash would protect.

The server keeps what it learnt about a key for :data:`CACHE_SECONDS`, so a busy
client costs one store read per key and interval, and a revocation takes effect
everywhere within that time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.access.roles import Principal, Role
from hub.domain import ApiKey, Space
from hub.store.port import GraphStore, NodeQuery

PREFIX = "hub"
CACHE_SECONDS = 5.0
_TOKEN = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{20,100}})$")
_MAX_KEYS_LISTED = 10_000


class InvalidKeyError(Exception):
    """The presented key is malformed, unknown or revoked (the message never says which of these)."""


class KeyRequestError(ValueError):
    """A key cannot be issued as asked (a coordinator without a centre, an unknown centre, …)."""


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeys:
    """Issue, list, revoke and check keys, kept in the graph store (so every hub process sees them)."""

    def __init__(self, store: GraphStore, cache_seconds: float = CACHE_SECONDS) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}

    async def issue(self, name: str, role: Role, space_id: str | None = None) -> IssuedKey:
        if role is Role.PUBLIC:
            raise KeyRequestError("the public role needs no key")
        if (role is Role.COORDINATOR) != (space_id is not None):
            raise KeyRequestError("a coordinator key needs --space, and only a coordinator key takes one")
        if space_id is not None and not await self.store.get_nodes(Space, [space_id]):
            raise KeyRequestError(f"unknown centre {space_id!r}")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        key = ApiKey(
            id=key_id,
            name=name,
            role=role.value,
            space_id=space_id,
            secret_hash=_hash(secret),
            created_at=datetime.now(UTC),
        )
        await self.store.upsert_nodes([key])
        return IssuedKey(key=key, token=f"{PREFIX}_{key_id}_{secret}")

    async def list(self) -> list[ApiKey]:
        return (await self.store.list_nodes(ApiKey, NodeQuery(order_by="created_at", limit=_MAX_KEYS_LISTED))).items

    async def revoke(self, key_id: str) -> ApiKey | None:
        """Revoke a key; None if there is no such key.  Revoking twice keeps the first time."""
        key = (await self.store.get_nodes(ApiKey, [key_id])).get(key_id)
        if key is None:
            return None
        if key.revoked_at is None:
            key = key.model_copy(update={"revoked_at": datetime.now(UTC)})
            await self.store.upsert_nodes([key])
        self._cache.pop(key_id, None)
        return key

    async def authenticate(self, token: str) -> Principal:
        """The principal a presented key stands for; InvalidKeyError if it stands for none."""
        match = _TOKEN.match(token.strip())
        if match is None:
            raise InvalidKeyError("malformed API key")
        key_id, secret = match.groups()
        key = await self._key(key_id)
        if key is None or key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
            raise InvalidKeyError("unknown or revoked API key")
        return Principal(role=Role(key.role), space_id=key.space_id, key_id=key.id, key_name=key.name)

    async def _key(self, key_id: str) -> ApiKey | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        key = (await self.store.get_nodes(ApiKey, [key_id])).get(key_id)
        if len(self._cache) > _MAX_KEYS_LISTED:  # unknown ids are cached too; bound what a scan can fill
            self._cache.clear()
        self._cache[key_id] = (now, key)
        return key
