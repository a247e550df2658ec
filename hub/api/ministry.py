"""The ministry's view: activity by centre, theme and period, trends, cross-regional links."""

from __future__ import annotations

import strawberry


@strawberry.type
class MinistryQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""
