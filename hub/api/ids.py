"""Relay global ids: base64 of "Type:id", where Type is the GraphQL type (and the domain label)."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.relay import GlobalID, GlobalIDValueError

from hub import domain
from hub.api.errors import ApiError

#: The labels the API exposes as Relay nodes, by their GraphQL type name.
NODE_LABELS: dict[str, type[domain.Node]] = {
    label.LABEL: label
    for label in (domain.Space, domain.Theme, domain.Actor, domain.Project, domain.Event, domain.ImportRun)
}


def global_id(node: domain.Node) -> str:
    return str(GlobalID(type_name=node.LABEL, node_id=node.id))


def parse_global_id(value: str, argument: str = "id") -> tuple[type[domain.Node], str]:
    """The label and node id a global id names; anything else is the client's error."""
    try:
        parsed = GlobalID.from_id(value)
    except GlobalIDValueError:
        parsed = None
    label = NODE_LABELS.get(parsed.type_name) if parsed else None
    if parsed is None or label is None or not parsed.node_id:
        raise ApiError(f"{argument}: {value!r} is not a valid id; use the id field of a node from this API")
    return label, parsed.node_id


def node_ids_of(values: Sequence[str], label: type[domain.Node], argument: str) -> list[str]:
    """The node ids of global ids that must all name nodes of ``label``."""
    ids = []
    for value in values:
        found, node_id = parse_global_id(value, argument)
        if found is not label:
            raise ApiError(f"{argument}: {value!r} is the id of a {found.LABEL}, not of a {label.LABEL}")
        ids.append(node_id)
    return ids
