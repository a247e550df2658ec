"""Stable pseudonyms for people, for roles that may study the network but not know who is in it.

A pseudonym is an HMAC of the person's actor id under the installation's secret: the
same person gets the same pseudonym in every query and every export (so results can be
compared over time), and without the secret nobody can tell who it is — ids are made
from names, so a plain hash could be reversed by hashing candidate names.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

_SECRET_FILE = "pseudonym.secret"


@dataclass(frozen=True)
class Pseudonym:
    id: str
    name: str


class Pseudonymiser:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes")
        self._secret = secret

    def __call__(self, actor_id: str) -> Pseudonym:
        digest = hmac.new(self._secret, actor_id.encode(), hashlib.sha256).hexdigest()
        return Pseudonym(id=f"person-{digest[:16]}", name=f"Person {digest[:8].upper()}")

    @classmethod
    def from_settings(cls, configured: str, data_dir: Path) -> Pseudonymiser:
        """The configured secret, else one generated once and kept in the data directory.

        Several servers over one Neo4j must share ``HUB_PSEUDONYM_SECRET``; a single
        installation can rely on the generated file.
        """
        if configured:
            return cls(configured.encode())
        path = data_dir / _SECRET_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created readable by the owner only, and never overwritten (O_EXCL) if a second process won the race.
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_hex(32))
        return cls(path.read_text().strip().encode())
