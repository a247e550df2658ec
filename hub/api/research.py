"""Researchers' view: the actor network, its centralities, communities, bridges and paths."""

from __future__ import annotations

import strawberry


@strawberry.type
class ResearchQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""
