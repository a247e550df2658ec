"""Roles and what each may see and do.

Every request acts as one :class:`Principal`: the role of its API key, or the public
role without one.  What a role may do is decided here, once; the API, the exports and
the curation service ask these questions instead of comparing role names themselves.

========== ============================ ================ =========== ===============
role       people (persons' names)      contact details  import runs  curation, audit
========== ============================ ================ =========== ===============
public     hidden                       no               no           no
ministry   hidden (aggregates only)     no               yes          no
researcher pseudonymised, stable        no               no           no
coordinator named                       yes              own centre   own centre
admin      named                        yes              yes          everywhere
========== ============================ ================ =========== ===============

Organisations, events, projects, themes, centres and every aggregate are public data:
the centres publish them in their feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    PUBLIC = "public"
    COORDINATOR = "coordinator"
    MINISTRY = "ministry"
    RESEARCHER = "researcher"
    ADMIN = "admin"


class PersonView(str, Enum):
    """How the people in the graph (actors of kind person) appear to a role."""

    NAMED = "named"  # as they are
    PSEUDONYMISED = "pseudonymised"  # stable pseudonym instead of id and name, no contact details
    HIDDEN = "hidden"  # not at all: not listed, not found, not counted, not in any network


_PERSON_VIEWS = {
    Role.PUBLIC: PersonView.HIDDEN,
    Role.MINISTRY: PersonView.HIDDEN,
    Role.RESEARCHER: PersonView.PSEUDONYMISED,
    Role.COORDINATOR: PersonView.NAMED,
    Role.ADMIN: PersonView.NAMED,
}


class AccessDeniedError(Exception):
    """The principal's role does not allow this; the message says what would."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    role: Role
    space_id: str | None = None  # a coordinator's centre
    key_id: str | None = None
    key_name: str | None = None

    @property
    def label(self) -> str:
        """How the audit log names this principal."""
        if self.key_id is None:
            return self.key_name or self.role.value
        return f"key {self.key_id} ({self.key_name})"

    @property
    def person_view(self) -> PersonView:
        return _PERSON_VIEWS[self.role]

    @property
    def sees_contacts(self) -> bool:
        """E-mail addresses and phone numbers (of people and organisations alike)."""
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def sees_import_runs(self) -> bool:
        return self.role in (Role.MINISTRY, Role.COORDINATOR, Role.ADMIN)

    @property
    def reads_audit_log(self) -> bool:
        return self.role is Role.ADMIN

    def may_curate(self, space_ids: set[str]) -> bool:
        """Whether this principal may change a fact that belongs to these centres.

        A coordinator curates within their own centre: the fact must belong to it (an
        actor active there, an event hosted there); an admin curates everywhere.
        """
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.COORDINATOR and self.space_id is not None and self.space_id in space_ids

    def require_curator(self) -> None:
        if self.role not in (Role.COORDINATOR, Role.ADMIN):
            raise AccessDeniedError(f"changing the graph needs a coordinator or admin key (this is {self.role.value})")


PUBLIC = Principal(Role.PUBLIC)
