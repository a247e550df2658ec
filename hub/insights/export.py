"""The measured actor network as files: GraphML and GEXF (Gephi), node-link JSON (networkx), CSV, and a zip.

Every file is citable: it carries the snapshot id (a hash of the graph's content,
the same on either engine), the graph version, the time window and filters it was
built with, the hub version, the betweenness method, and a content hash.  The
content hash is the SHA-256 of the exported nodes and edges alone (see
:func:`content_hash`), so two files with equal data have equal hashes, whatever
their format or metadata.  Where the metadata goes:

* GraphML: graph attributes (``<data>`` of the ``<graph>`` element);
* GEXF: ``<meta><description>`` (GEXF has no graph attributes), and the graph's name;
* JSON: a top-level ``meta`` object, and the same flat values in ``graph``;
* zip: ``meta.json`` next to ``nodes.csv`` and ``edges.csv``; a single CSV file
  cannot hold metadata, the HTTP headers and the file name carry it.

The same request for the same snapshot gives byte-identical output: nothing reads
the clock (networkx's GEXF writer stamps today's date into ``lastmodifieddate``;
it is removed, and zip entries get a fixed date), nodes are in id order, edges in
(source, target) order, and floats are rounded (``hub.insights.network.DECIMALS``).

People appear in these files as the graph holds them (name and kind); contact
details are never exported.  Pseudonymising persons is a separate, later concern.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from hub import __version__
from hub.insights.actor_network import NetworkFilter
from hub.insights.network import NetworkAnalysis
from hub.text import slugify

TITLE = "Akteursnetzwerk der Digitalen Innovationszentren Mecklenburg-Vorpommern"
FILE_STEM = "akteursnetzwerk"
NODE_COLUMNS = (
    "id",
    "label",
    "kind",
    "home_centre",
    "centres",
    "events",
    "degree",
    "weighted_degree",
    "betweenness",
    "pagerank",
    "community",
)
EDGE_COLUMNS = ("source", "target", "weight", "events", "projects")
#: The date zip entries carry: the earliest a zip can hold, the same for every export.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: How the citation names the filters (in the order of filter_lists).
_FILTER_LABELS = ("Zentren", "Themen", "Akteursarten")


@dataclass(frozen=True)
class NetworkTable:
    """The network as rows (what every format writes) and the hash of those rows."""

    nodes: tuple[tuple[Any, ...], ...]  # NODE_COLUMNS
    edges: tuple[tuple[Any, ...], ...]  # EDGE_COLUMNS
    content_hash: str


def network_table(analysis: NetworkAnalysis) -> NetworkTable:
    """The rows of nodes (id order) and edges ((source, target) order), and their content hash."""
    nodes = tuple(
        (
            a.id,
            a.name,
            a.kind,
            a.home_centre or "",
            ";".join(a.centres),
            a.events,
            a.degree,
            a.weighted_degree,
            a.betweenness,
            a.pagerank,
            a.community,
        )
        for a in analysis.actors.values()
    )
    edges = tuple((e.source, e.target, e.weight, e.events, e.projects) for e in analysis.links)
    return NetworkTable(nodes, edges, content_hash(nodes, edges))


def content_hash(nodes: tuple[tuple[Any, ...], ...], edges: tuple[tuple[Any, ...], ...]) -> str:
    """SHA-256 (hex) of the node and edge rows as compact JSON: the data, not the file around it."""
    document = {"node_columns": NODE_COLUMNS, "nodes": nodes, "edge_columns": EDGE_COLUMNS, "edges": edges}
    encoded = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


# --- metadata --------------------------------------------------------------------------------------


def export_meta(analysis: NetworkAnalysis, table: NetworkTable) -> dict[str, Any]:
    """Everything a citation of the file needs, in a fixed key order."""
    window = window_bounds(analysis.network_filter)
    filters = filter_lists(analysis.network_filter)
    return {
        "title": TITLE,
        "snapshot_id": analysis.snapshot_id,
        "graph_version": analysis.graph_version,
        "window": {"first_day": window[0], "last_day": window[1]},
        "filters": filters,
        "hub_version": __version__,
        "content_hash": f"sha256:{table.content_hash}",
        "nodes": len(table.nodes),
        "edges": len(table.edges),
        "betweenness": analysis.summary.betweenness.describe(),
        "citation": citation(analysis, table),
    }


def window_bounds(network_filter: NetworkFilter) -> tuple[str | None, str | None]:
    """The window as the first and the last day it includes (ISO dates), ``None`` where open."""
    window = network_filter.window
    last = None if window.end is None else (window.end - timedelta(days=1)).isoformat()
    return (None if window.start is None else window.start.isoformat(), last)


def filter_lists(network_filter: NetworkFilter) -> dict[str, list[str] | None]:
    """The filter's ids and kinds, sorted; ``None`` means "no restriction"."""

    def listed(values: frozenset[str] | None) -> list[str] | None:
        return None if values is None else sorted(values)

    return {
        "spaces": listed(network_filter.space_ids),
        "themes": listed(network_filter.theme_ids),
        "kinds": listed(network_filter.kinds),
    }


def citation(analysis: NetworkAnalysis, table: NetworkTable) -> str:
    """A line to quote in a paper: what was exported, from which state of the graph, by which software."""
    first, last = window_bounds(analysis.network_filter)
    period = "gesamter Zeitraum" if first is None and last is None else f"Zeitraum {first or '…'} bis {last or '…'}"
    narrowed = [
        f"{label}: {', '.join(values)}"
        for label, values in zip(_FILTER_LABELS, filter_lists(analysis.network_filter).values(), strict=True)
        if values is not None
    ]
    filters = "; ".join(narrowed) or "ohne Filter"
    return (
        f"{TITLE}, Snapshot {analysis.snapshot_id} (Graphversion {analysis.graph_version}), {period}, {filters}; "
        f"Hub {__version__}; Inhalt sha256:{table.content_hash[:16]}"
    )


def flat_meta(meta: dict[str, Any]) -> dict[str, str | int]:
    """The metadata as scalar values, for formats whose attributes cannot nest (``""`` = open / no filter)."""
    filters = meta["filters"]
    return {
        "title": meta["title"],
        "snapshot_id": meta["snapshot_id"],
        "graph_version": meta["graph_version"],
        "window_first_day": meta["window"]["first_day"] or "",
        "window_last_day": meta["window"]["last_day"] or "",
        "filter_spaces": ";".join(filters["spaces"] or []),
        "filter_themes": ";".join(filters["themes"] or []),
        "filter_kinds": ";".join(filters["kinds"] or []),
        "hub_version": meta["hub_version"],
        "content_hash": meta["content_hash"],
        "betweenness": meta["betweenness"],
        "citation": meta["citation"],
    }


# --- formats ---------------------------------------------------------------------------------------


def export_graph(table: NetworkTable, graph_attributes: dict[str, Any]) -> nx.Graph:
    """The table as a networkx graph, nodes and edges in table order, every column an attribute."""
    graph = nx.Graph(**graph_attributes)
    for row in table.nodes:
        graph.add_node(row[0], **dict(zip(NODE_COLUMNS[1:], row[1:], strict=True)))
    for row in table.edges:
        graph.add_edge(row[0], row[1], **dict(zip(EDGE_COLUMNS[2:], row[2:], strict=True)))
    return graph


def to_graphml(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    graph = export_graph(table, flat_meta(export_meta(analysis, table)))
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    """GEXF 1.2 for Gephi; the metadata as the description of ``<meta>``, without a creation date."""
    meta = export_meta(analysis, table)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta_element = writer.xml.find("meta")
    assert meta_element is not None  # GEXFWriter always writes one
    meta_element.attrib.pop("lastmodifieddate", None)  # today's date would make every day's file differ
    creator = meta_element.find("creator")
    if creator is not None:
        creator.text = f"hub {__version__} (NetworkX {nx.__version__})"
    description = "; ".join(f"{key}={value}" for key, value in flat_meta(meta).items())
    SubElement(meta_element, "description").text = description
    writer.add_graph(export_graph(table, {"name": TITLE}))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def to_json(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    """Node-link JSON as ``networkx.node_link_data(G, edges="edges")`` writes it, with a top-level ``meta``.

    ``networkx.node_link_graph(data, edges="edges")`` reads it back.  Written directly
    rather than through a networkx graph, and compact (one line): large networks have
    millions of edges, and the indenting encoder is the slow, pure-Python one.
    """
    meta = export_meta(analysis, table)
    document = {
        "meta": meta,
        "directed": False,
        "multigraph": False,
        "graph": flat_meta(meta),
        "nodes": [dict(zip(NODE_COLUMNS, row, strict=True)) for row in table.nodes],
        "edges": [dict(zip(EDGE_COLUMNS, row, strict=True)) for row in table.edges],
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def nodes_csv(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    return _csv(NODE_COLUMNS, table.nodes)


def edges_csv(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    """Edges with a ``type`` column, so that Gephi's spreadsheet import takes them as undirected."""
    columns = (*EDGE_COLUMNS[:2], "type", *EDGE_COLUMNS[2:])
    rows = [(*row[:2], "Undirected", *row[2:]) for row in table.edges]
    return _csv(columns, rows)


def _csv(columns: tuple[str, ...], rows: Any) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: comma, CRLF, quotes where needed
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def to_zip(analysis: NetworkAnalysis, table: NetworkTable) -> bytes:
    """``nodes.csv``, ``edges.csv`` and ``meta.json``, with fixed entry dates so equal data zips equally."""
    meta = (json.dumps(export_meta(analysis, table), ensure_ascii=False, indent=1) + "\n").encode()
    entries = {"nodes.csv": nodes_csv(analysis, table), "edges.csv": edges_csv(analysis, table), "meta.json": meta}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system wrote it
            info.external_attr = 0o644 << 16
            archive.writestr(info, body)
    return buffer.getvalue()


class ExportFormat(Enum):
    """The export files: (name in the URL, media type, writer)."""

    GRAPHML = ("network.graphml", "application/graphml+xml; charset=utf-8", to_graphml)
    GEXF = ("network.gexf", "application/gexf+xml; charset=utf-8", to_gexf)
    JSON = ("network.json", "application/json", to_json)
    ZIP = ("network.zip", "application/zip", to_zip)
    NODES_CSV = ("nodes.csv", "text/csv; charset=utf-8; header=present", nodes_csv)
    EDGES_CSV = ("edges.csv", "text/csv; charset=utf-8; header=present", edges_csv)

    def __init__(
        self, file_name: str, media_type: str, writer: Callable[[NetworkAnalysis, NetworkTable], bytes]
    ) -> None:
        self.file_name = file_name
        self.media_type = media_type
        self.writer = writer


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    media_type: str
    filename: str
    content_hash: str  # of the data (see content_hash), hex
    snapshot_id: str
    graph_version: int


def render_export(analysis: NetworkAnalysis, fmt: ExportFormat, table: NetworkTable | None = None) -> ExportFile:
    """The file ``fmt`` for the analysed network."""
    table = table or network_table(analysis)
    return ExportFile(
        body=fmt.writer(analysis, table),
        media_type=fmt.media_type,
        filename=export_filename(analysis, fmt),
        content_hash=table.content_hash,
        snapshot_id=analysis.snapshot_id,
        graph_version=analysis.graph_version,
    )


def export_filename(analysis: NetworkAnalysis, fmt: ExportFormat) -> str:
    """``akteursnetzwerk-<snapshot>[-<window and filters>].graphml``; CSVs end in ``-nodes.csv`` / ``-edges.csv``."""
    first, last = window_bounds(analysis.network_filter)
    filters = filter_lists(analysis.network_filter)
    narrowed = [first or "", last or "", *(value for values in filters.values() for value in values or [])]
    stem = slugify(" ".join([FILE_STEM, analysis.snapshot_id, *narrowed]), max_length=120)
    name, _, suffix = fmt.file_name.partition(".")
    return f"{stem}.{suffix}" if name == "network" else f"{stem}-{name}.{suffix}"
