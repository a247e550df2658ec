"""Coordinators' partner finding: suggestions from other centres, each with its reasons."""

from __future__ import annotations

import strawberry


@strawberry.type
class PartnerQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""
