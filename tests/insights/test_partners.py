"""Partner suggestions: exact scores and reasons on the hand-built graph, then the fixture feeds, both engines.

Every expected number is worked out by hand from the graph in ``tests/insights/support.py``
and the rules in :mod:`hub.insights.partners`, with ``now`` fixed to 1 June 2026.

Facts used throughout (counted events: all but the cancelled e7):

* theme profiles: solarwerk {energie 2, mobilitaet 1}; stadt-schwerin {energie 1, mobilitaet 2};
  uni-rostock {energie 1, gesundheit 2, ki 1}; hs-wismar {mobilitaet 1, ki 1};
  klinik-greifswald {gesundheit 1, ki 1}; medtech-start {gesundheit 2, ki 2};
  anna-schmidt {energie 1, mobilitaet 1}; verein-nb {bildung 1}.
* centres (ACTIVE_IN + hosts of events taking place): solarwerk {rostock, schwerin};
  stadt-schwerin {schwerin, wismar}; uni-rostock {rostock, greifswald}; hs-wismar {wismar};
  klinik {greifswald}; medtech {greifswald, rostock, wismar}; anna {schwerin}; verein-nb {neubrandenburg}.
* events per theme: energie 2 (e1, e2), mobilitaet 2 (e2, e3), gesundheit 2 (e4, e5), ki 2 (e4, e8),
  bildung 1; together: energie+mobilitaet in e2, gesundheit+ki in e4.
* network edges (weight): solarwerk-uni 1, solarwerk-stadt 2 (e2 + p-quartier), solarwerk-anna 1,
  anna-stadt 1, stadt-hs 1, klinik-medtech 2 (e4 + p-health), klinik-uni 1, medtech-uni 2, hs-medtech 1.
* last counted day before 1 June: uni and medtech 20.04. (42 days), klinik 05.04. (57),
  hs-wismar 01.04. (61), stadt-schwerin 20.02. (101), solarwerk and anna 10.02. (111).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from math import sqrt

import pytest

from hub.domain import Actor, ActorKind, Relationship, RelType
from hub.insights.actor_network import Hop, build_actor_network, shortest_actor_path
from hub.insights.partners import (
    Component,
    PartnerError,
    PartnerRequest,
    Suggestion,
    UnknownIdError,
    network_reach,
    partner_index,
    suggest_partners,
)
from hub.insights.periods import TimeWindow
from hub.insights.projection import Projection, load_projection
from hub.store.port import GraphStore
from tests.http_server import FeedServer
from tests.importers.test_sync import V1_TIME, fixture_sources, sync
from tests.insights.support import build_insight_graph

NOW = date(2026, 6, 1)


def recency(days: int) -> float:
    return 0.5 ** (days / 180)


def score(shared_themes: float, complementary: float, shared: float, proximity: float, recent: float) -> float:
    return round(0.35 * shared_themes + 0.15 * complementary + 0.20 * shared + 0.20 * proximity + 0.10 * recent, 4)


def values(*parts: float) -> list[float]:
    return [round(part, 4) for part in parts]


async def hand_built(store: GraphStore) -> Projection:
    await build_insight_graph(store)
    return await load_projection(store)


def ask(projection: Projection, **request: object) -> list[Suggestion]:
    return suggest_partners(projection, PartnerRequest(now=NOW, **request))  # type: ignore[arg-type]


def ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.actor_id for s in suggestions]


def by_id(suggestions: list[Suggestion]) -> dict[str, Suggestion]:
    return {s.actor_id: s for s in suggestions}


# Solarwerk (|profile| = sqrt 5, centres Rostock + Schwerin): every organisation but verein-nb (unrelated)
# has a centre outside Rostock/Schwerin; anna-schmidt is a person.
SOLARWERK_PARTS = {
    # cos = (2*1 + 1*2) / (sqrt5 * sqrt5); shares e2 + p-quartier; direct neighbour.
    "stadt-schwerin": (4 / 5, 0, 2 / 3, 1, recency(101)),
    # cos = 2*1 / (sqrt5 * sqrt6); shares e1; direct neighbour.
    "uni-rostock": (2 / (sqrt(5) * sqrt(6)), 0, 1 / 3, 1, recency(42)),
    # cos = 1*1 / (sqrt5 * sqrt2); their only shared event e7 was cancelled; via stadt-schwerin.
    "hs-wismar": (1 / (sqrt(5) * sqrt(2)), 0, 0, 1 / 2, recency(61)),
    # no common theme, none that goes with energie or mobilitaet; two hops via uni-rostock.
    "medtech-start": (0, 0, 0, 1 / 2, recency(42)),
    "klinik-greifswald": (0, 0, 0, 1 / 2, recency(57)),
}


async def test_partners_of_an_actor_are_ranked_by_the_documented_score(store: GraphStore) -> None:
    found = ask(await hand_built(store), actor_id="solarwerk")
    assert [(s.actor_id, s.score) for s in found] == [
        (actor_id, score(*parts)) for actor_id, parts in SOLARWERK_PARTS.items()
    ]
    for suggestion in found:
        assert [p.value for p in suggestion.parts] == values(*SOLARWERK_PARTS[suggestion.actor_id])
        assert [p.component for p in suggestion.parts] == list(Component)
        assert [p.weight for p in suggestion.parts] == [0.35, 0.15, 0.20, 0.20, 0.10]
    assert [s.already_connected for s in found] == [True, True, False, False, False]


async def test_the_centres_themselves_are_never_suggested(store: GraphStore) -> None:
    await build_insight_graph(store)
    # Feeds name their own centre as organiser: "DIZ Greifswald" then arrives as an actor at e4.
    await store.upsert_nodes([Actor(id="diz-greifswald-as-actor", name="DIZ Greifswald", kind=ActorKind.ORGANISATION)])
    await store.upsert_relationships(
        [Relationship(type=RelType.ORGANISES, start_id="diz-greifswald-as-actor", end_id="e4")]
    )
    found = ask(await load_projection(store), actor_id="solarwerk")
    assert "diz-greifswald-as-actor" not in ids(found)
    assert ids(found) == list(SOLARWERK_PARTS), "the rest of the ranking is unchanged"


async def test_each_suggestion_says_why_in_german(store: GraphStore) -> None:
    found = by_id(ask(await hand_built(store), actor_id="solarwerk"))
    assert found["stadt-schwerin"].reasons == (
        "Aktiv in anderen Zentren: InnovationPort Wismar",
        "Gemeinsame Themen: Energie, Mobilität",  # 2*1 = 1*2: a tie, in label order
        "Gemeinsame Veranstaltungen: Mobilität und Energie im Quartier",
        "Gemeinsame Projekte: Energiequartier Nord",
        "Zuletzt aktiv am 20.02.2026",
    )
    assert found["stadt-schwerin"].space_ids == ("diz-schwerin", "innovationport-wismar")
    assert found["stadt-schwerin"].path == (Hop("solarwerk", "stadt-schwerin", ("e2",), ("p-quartier",)),)
    assert found["hs-wismar"].reasons == (
        "Aktiv in anderen Zentren: InnovationPort Wismar",
        "Gemeinsame Themen: Mobilität",
        "2 Schritte im Netzwerk: über Landeshauptstadt Schwerin",
        "Zuletzt aktiv am 01.04.2026",
    )
    assert found["hs-wismar"].path == (
        Hop("solarwerk", "stadt-schwerin", ("e2",), ("p-quartier",)),
        Hop("stadt-schwerin", "hs-wismar", ("e3",), ()),
    )
    assert found["medtech-start"].reasons == (
        "Aktiv in anderen Zentren: DIZ Greifswald, InnovationPort Wismar",
        "2 Schritte im Netzwerk: über Universität Rostock",
        "Zuletzt aktiv am 20.04.2026",
    )


async def test_only_actors_with_a_centre_outside_the_requesters_are_suggested(store: GraphStore) -> None:
    projection = await hand_built(store)
    # medtech-start is in Greifswald, Rostock and Wismar: only solarwerk and stadt-schwerin reach
    # Schwerin; each two hops away (via uni-rostock, via hs-wismar), no theme in common.
    found = ask(projection, actor_id="medtech-start")
    assert [(s.actor_id, s.score) for s in found] == [
        ("stadt-schwerin", score(0, 0, 0, 1 / 2, recency(101))),
        ("solarwerk", score(0, 0, 0, 1 / 2, recency(111))),
    ]
    assert found[0].reasons[:2] == (
        "Aktiv in anderen Zentren: DIZ Schwerin",
        "2 Schritte im Netzwerk: über Hochschule Wismar",
    )
    everywhere = ask(projection, actor_id="medtech-start", other_centres_only=False)
    assert [(s.actor_id, s.score) for s in everywhere][:3] == [
        # cos = (2*1 + 2*1) / (sqrt8 * sqrt2); shares e4 + p-health
        ("klinik-greifswald", score(1, 0, 2 / 3, 1, recency(57))),
        # cos = (2*2 + 2*1) / (sqrt8 * sqrt6); shares e4 and e5
        ("uni-rostock", score(6 / (sqrt(8) * sqrt(6)), 0, 2 / 3, 1, recency(42))),
        # cos = 2*1 / (sqrt8 * sqrt2); shares e8
        ("hs-wismar", score(2 / (sqrt(8) * sqrt(2)), 0, 1 / 3, 1, recency(61))),
    ]
    assert ids(everywhere)[3:] == ["stadt-schwerin", "solarwerk"]
    assert everywhere[0].reasons[0] == "Gemeinsame Themen: Gesundheit, Künstliche Intelligenz", (
        "no other centre to name"
    )


async def test_an_actor_without_any_relation_outside_its_centre_gets_no_suggestions(store: GraphStore) -> None:
    # verein-nb's only event (e6, bildung) has no other participant, and no other event is about bildung.
    assert ask(await hand_built(store), actor_id="verein-nb") == []


async def test_filters_narrow_the_candidates(store: GraphStore) -> None:
    projection = await hand_built(store)
    assert ids(ask(projection, actor_id="solarwerk", kinds=frozenset({"university"}))) == ["uni-rostock", "hs-wismar"]
    assert ids(ask(projection, actor_id="solarwerk", candidate_theme_ids=frozenset({"ki"}))) == [
        "uni-rostock",
        "hs-wismar",
        "medtech-start",
        "klinik-greifswald",
    ]
    in_wismar = ask(projection, actor_id="solarwerk", candidate_space_ids=frozenset({"innovationport-wismar"}))
    assert ids(in_wismar) == ["stadt-schwerin", "hs-wismar", "medtech-start"]
    new_only = ask(projection, actor_id="solarwerk", include_connected=False)
    assert ids(new_only) == ["hs-wismar", "medtech-start", "klinik-greifswald"]
    assert ids(ask(projection, actor_id="solarwerk", limit=2)) == ["stadt-schwerin", "uni-rostock"]
    assert ask(projection, actor_id="solarwerk", limit=0) == []


async def test_events_outside_the_window_count_for_nothing(store: GraphStore) -> None:
    projection = await hand_built(store)
    # January and February: e1, e2, e3.  uni-rostock's profile is {energie 1}; klinik-greifswald and
    # medtech-start have no counted event and p-health none either, so they are unrelated.
    winter = ask(projection, actor_id="solarwerk", window=TimeWindow(date(2026, 1, 1), date(2026, 3, 1)))
    assert ids(winter) == ["stadt-schwerin", "uni-rostock", "hs-wismar"]
    uni = by_id(winter)["uni-rostock"]
    assert [p.value for p in uni.parts] == values(2 / sqrt(5), 0, 1 / 3, 1, recency(137))  # last: e1 on 15.01.
    assert uni.reasons[-1] == "Zuletzt aktiv am 15.01.2026"


async def test_upcoming_events_make_an_actor_fully_recent(store: GraphStore) -> None:
    found = suggest_partners(await hand_built(store), PartnerRequest(now=date(2026, 4, 10), actor_id="solarwerk"))
    medtech = by_id(found)["medtech-start"]
    assert medtech.parts[-1].value == 1.0
    assert medtech.reasons[-1] == "Nächste Veranstaltung am 20.04.2026"


async def test_persons_are_suggested_only_when_asked_for(store: GraphStore) -> None:
    projection = await hand_built(store)
    assert "anna-schmidt" not in ids(ask(projection, actor_id="hs-wismar"))
    with_persons = by_id(ask(projection, actor_id="hs-wismar", include_persons=True))
    # hs-wismar {mobilitaet 1, ki 1} vs anna {energie 1, mobilitaet 1}: cos 1/2; energie goes with
    # mobilitaet in 1 of its 2 events; two hops via stadt-schwerin.
    anna = with_persons["anna-schmidt"]
    assert anna.score == score(1 / 2, 1 / 2, 0, 1 / 2, recency(111))
    assert "Bringt Energie mit, das in 1 von 2 Veranstaltungen zusammen mit Mobilität vorkommt" in anna.reasons
    with pytest.raises(PartnerError, match="persons"):
        ask(projection, actor_id="hs-wismar", kinds=frozenset({"person"}))


async def test_partners_for_themes_from_a_home_centre(store: GraphStore) -> None:
    projection = await hand_built(store)
    # Profile {gesundheit 1}; ki goes with gesundheit in 1 of its 2 events (e4 of e4, e8).
    found = ask(projection, theme_ids=("gesundheit",), for_space_id="diz-greifswald")
    assert [(s.actor_id, s.score) for s in found] == [
        ("uni-rostock", score(2 / sqrt(6), 1 / 2, 0, 0, recency(42))),
        ("medtech-start", score(2 / sqrt(8), 1 / 2, 0, 0, recency(42))),
        ("hs-wismar", score(0, 1 / 2, 0, 0, recency(61))),
    ]
    assert found[2].reasons == (
        "Aktiv in anderen Zentren: InnovationPort Wismar",
        "Bringt Künstliche Intelligenz mit, das in 1 von 2 Veranstaltungen zusammen mit Gesundheit vorkommt",
        "Zuletzt aktiv am 01.04.2026",
    )
    assert all(s.path == () and not s.already_connected for s in found)
    # Without a home centre, klinik-greifswald (only in Greifswald) is in too: cos 1/sqrt2.
    anywhere = ask(projection, theme_ids=("gesundheit",))
    assert ids(anywhere) == ["uni-rostock", "medtech-start", "klinik-greifswald", "hs-wismar"]
    assert by_id(anywhere)["klinik-greifswald"].score == score(1 / sqrt(2), 1 / 2, 0, 0, recency(57))
    assert anywhere[0].reasons[0] == "Aktiv in: DIZ Greifswald, DIZ Rostock"


async def test_partners_for_a_project(store: GraphStore) -> None:
    # p-quartier: counted event e2 (Schwerin; energie, mobilitaet); members solarwerk, stadt-schwerin
    # (and anna-schmidt, a person, so not a starting point of paths).
    found = ask(await hand_built(store), project_id="p-quartier")
    member = (3 / (sqrt(2) * sqrt(5)), 0, 2 / 3, 1)  # contributes + takes part in e2; one hop from the project
    assert [(s.actor_id, s.score) for s in found] == [
        ("stadt-schwerin", score(*member, recency(101))),
        ("solarwerk", score(*member, recency(111))),
        ("hs-wismar", score(1 / 2, 0, 0, 1 / 2, recency(61))),
        ("uni-rostock", score(1 / (sqrt(2) * sqrt(6)), 0, 0, 1 / 2, recency(42))),
        ("medtech-start", score(0, 0, 0, 1 / 3, recency(42))),
        ("klinik-greifswald", score(0, 0, 0, 1 / 3, recency(57))),
    ]
    partners = by_id(found)
    assert partners["stadt-schwerin"].already_connected and partners["stadt-schwerin"].path == ()
    assert partners["stadt-schwerin"].reasons[2:4] == (
        "Wirkt am Projekt mit",
        "Bei Veranstaltungen des Projekts dabei: Mobilität und Energie im Quartier",
    )
    assert "2 Schritte im Netzwerk: über Solarwerk Nord GmbH" in partners["uni-rostock"].reasons
    # medtech-start is two hops from both members: via hs-wismar (from stadt-schwerin) and via uni-rostock
    # (from solarwerk); its predecessor is the smaller id one hop closer, hs-wismar.
    via = "3 Schritte im Netzwerk: über Landeshauptstadt Schwerin → Hochschule Wismar"
    assert via in partners["medtech-start"].reasons
    assert partners["medtech-start"].path == (
        Hop("stadt-schwerin", "hs-wismar", ("e3",), ()),
        Hop("hs-wismar", "medtech-start", ("e8",), ()),
    )


async def test_the_network_search_finds_the_hops_of_the_actor_network(store: GraphStore) -> None:
    projection = await hand_built(store)
    graph = build_actor_network(projection)
    index = partner_index(projection)
    for start in sorted(projection.actors):
        reach = network_reach(projection, index, [start])
        for end in sorted(set(projection.actors) - {start}):
            expected = shortest_actor_path(projection, graph, start, end)
            assert reach.hops.get(end) == (None if expected is None else len(expected)), (start, end)
            path = reach.path_to(end)  # a shortest path too, though ties may be broken differently
            assert len(path) == (0 if expected is None else len(expected) + 1), (start, end)
            assert all(graph.has_edge(a, b) for a, b in pairwise(path)) and path[:1] in ([], [start]), (start, end)
    # Without stadt-schwerin, hs-wismar is three hops from solarwerk: via uni-rostock and medtech-start.
    detour = network_reach(projection, index, ["solarwerk"], hidden=frozenset({"stadt-schwerin"}))
    assert detour.path_to("hs-wismar") == ["solarwerk", "uni-rostock", "medtech-start", "hs-wismar"]
    assert "stadt-schwerin" not in detour.hops


@pytest.mark.parametrize(
    ("request_args", "error", "message"),
    [
        ({"actor_id": "nobody"}, UnknownIdError, "there is no actor with the id 'nobody'"),
        ({"project_id": "p-none"}, UnknownIdError, "there is no project with the id 'p-none'"),
        ({"theme_ids": ("energie", "quantenkaese")}, UnknownIdError, "there is no theme with the id 'quantenkaese'"),
        ({"theme_ids": ("energie",), "for_space_id": "diz-mond"}, UnknownIdError, "no centre with the id 'diz-mond'"),
        ({"actor_id": "solarwerk", "candidate_theme_ids": frozenset({"x"})}, UnknownIdError, "no theme with the id"),
        ({"actor_id": "solarwerk", "kinds": frozenset({"robot"})}, PartnerError, "'robot' is not a kind of actor"),
        ({"actor_id": "solarwerk", "project_id": "p-quartier"}, PartnerError, "exactly one of"),
        ({}, PartnerError, "exactly one of"),
        ({"theme_ids": ()}, PartnerError, "at least one theme"),
        ({"actor_id": "solarwerk", "for_space_id": "diz-rostock"}, PartnerError, "only goes with themes"),
        ({"actor_id": "solarwerk", "limit": -1}, PartnerError, "must not be negative"),
    ],
)
async def test_bad_requests_say_what_is_wrong(
    store: GraphStore, request_args: dict, error: type[Exception], message: str
) -> None:
    projection = await hand_built(store)
    with pytest.raises(error, match=message):
        ask(projection, **request_args)


async def test_the_index_is_built_once_per_projection_and_window(store: GraphStore) -> None:
    projection = await hand_built(store)
    assert partner_index(projection) is partner_index(projection)
    spring = TimeWindow(date(2026, 3, 1), date(2026, 6, 1))
    assert partner_index(projection, spring) is not partner_index(projection)
    assert dict(partner_index(projection, spring).profiles["hs-wismar"]) == {"ki": 1}, "e3 is in February"


# --- the fixture feeds ---------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


async def test_a_fixture_start_up_gets_partners_from_other_centres(store: GraphStore, server: FeedServer) -> None:
    await sync(store, fixture_sources(server), V1_TIME)
    projection = await load_projection(store)
    # The fixtures' start-up: Warnowrad UG, at two Gründung events of DIZ Rostock.
    startups = [a for a in projection.actors.values() if a.kind == "startup" and a.name.startswith("Warnowrad")]
    assert len(startups) == 1
    startup = startups[0]
    home = partner_index(projection).centres[startup.id]
    assert home == frozenset({"diz-rostock"})

    found = suggest_partners(projection, PartnerRequest(now=V1_TIME.date(), actor_id=startup.id))
    assert len(found) == 10
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    for suggestion in found:
        actor = projection.actors[suggestion.actor_id]
        assert not actor.is_person
        assert set(suggestion.space_ids) - home, f"{actor.name} is not active outside DIZ Rostock"
        assert suggestion.reasons[0].startswith("Aktiv in anderen Zentren: ")
        assert "DIZ Rostock" not in suggestion.reasons[0]
        assert len(suggestion.reasons) >= 3  # the centres, at least one relation, and when it was active
    assert any("Gemeinsame Themen: Gründung" in s.reasons for s in found)
    # The organisers of the start-up's events are in Rostock, so partners elsewhere are at least two hops away.
    assert all(len(s.path) >= 2 or s.path == () for s in found)
