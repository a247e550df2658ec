"""Entity resolution across the six centres' feeds: which spellings are one actor, which only look alike.

The expected pairs below were found by printing every actor name the parsers and the text
extraction yield for the sample feeds, and deciding each case by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest

from hub.domain import Actor, ActorKind, Project
from hub.reference import load_spaces
from importers.extract import ThemeMatcher, extract
from importers.records import ActorMention
from importers.resolve import (
    ActorResolver,
    ProjectResolver,
    names_centre,
    normalise_org_name,
    normalise_person_name,
    normalise_project_name,
    split_name,
)
from tests.importers.test_extract import parse_fixtures

# --- normalisation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Universität Rostock", "universitaet rostock"),
        ("Universitaet Rostock", "universitaet rostock"),
        ("UNIVERSITÄT ROSTOCK", "universitaet rostock"),
        ("Uni Rostock", "universitaet rostock"),
        ("HS Wismar", "hochschule wismar"),
        ("IHK Neubrandenburg", "industrie und handelskammer neubrandenburg"),
        ("Industrie- und Handelskammer Neubrandenburg", "industrie und handelskammer neubrandenburg"),
        ("HWK Schwerin", "handwerkskammer schwerin"),
        ("Gründerwerft MV e.V.", "gruenderwerft mecklenburg vorpommern"),
        ("Gründerwerft Mecklenburg-Vorpommern e. V.", "gruenderwerft mecklenburg vorpommern"),
        ("Gruenderwerft M-V", "gruenderwerft mecklenburg vorpommern"),
        ("Stadtwerke Rostock AG", "stadtwerke rostock"),
        ("Stadtwerke Rostock Aktiengesellschaft", "stadtwerke rostock"),
        ("den Stadtwerken Rostock", "stadtwerke rostock"),
        ("des Landkreises Vorpommern-Greifswald", "landkreis vorpommern greifswald"),
        ("Instituts für Informatik", "institut fuer informatik"),
        ("Warnowrad UG (haftungsbeschränkt)", "warnowrad"),
        ("Ackerwerk Digital e.G.", "ackerwerk digital"),
        ("Ackerwerk Digital eG", "ackerwerk digital"),
        ("Die Hafenlicht Robotics GmbH", "hafenlicht robotics"),
        ("Nordlicht 3D-Druck GmbH", "nordlicht 3d druck"),
        ("Boddenblick Software & Consulting GmbH & Co. KG", "boddenblick software consulting"),
        ("HOST – Hochschule Stralsund", "hochschule stralsund"),
        ("Hochschule Stralsund (HOST)", "hochschule stralsund"),
        ("Stadtwerke Schwerin GmbH (SWS)", "stadtwerke schwerin"),
        ("Prof. Dr.-Ing. Mirela Stanciu", "mirela stanciu"),
        ("AG", "ag"),  # a name that is only a legal form keeps it
    ],
)
def test_normalise_org_name(name: str, key: str) -> None:
    assert normalise_org_name(name) == key


def test_normalise_person_and_project_names() -> None:
    assert normalise_person_name("Dr. med. Katrin Behnke") == "katrin behnke"
    assert normalise_person_name("J.-H. Wollenberg") == "j h wollenberg"
    assert normalise_person_name("Ole Petersen-Krüger") == normalise_person_name("Ole Petersen Krueger")
    assert normalise_project_name("LandPuls MV") == normalise_project_name("Landpuls") == "landpuls"
    assert normalise_project_name("Landpuls – Digitale Landwirtschaft MV") == "landpuls"
    assert normalise_project_name("KI-Kompass Mecklenburg-Vorpommern") == "ki kompass"
    assert normalise_project_name("TeleMed Vorpommern") == "telemed vorpommern"  # "Vorpommern" alone stays


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("HOST – Hochschule Stralsund", ("Hochschule Stralsund", ["HOST"])),
        ("Hochschule Stralsund (HOST)", ("Hochschule Stralsund", ["HOST"])),
        ("Hochschule Stralsund - HOST", ("Hochschule Stralsund", ["HOST"])),
        ("Stadtwerke Schwerin GmbH (SWS)", ("Stadtwerke Schwerin GmbH", ["SWS"])),
        ("Warnowrad UG (haftungsbeschränkt)", ("Warnowrad UG (haftungsbeschränkt)", [])),
        ("Hansestadt Rostock – Hauptamt, Open-Data-Team", ("Hansestadt Rostock – Hauptamt, Open-Data-Team", [])),
        ("KÜSTENSTROM", ("KÜSTENSTROM", [])),
    ],
)
def test_split_name(name: str, split: tuple[str, list[str]]) -> None:
    assert split_name(name) == split


# --- the sample feeds, resolved --------------------------------------------------------------------


@dataclass
class Run:
    actors: ActorResolver
    projects: ProjectResolver
    ids_by_spelling: dict[str, set[str]]
    project_ids_by_name: dict[str, set[str]]


def resolve_fixtures(existing_actors: list[Actor] | None = None, existing_projects: list[Project] | None = None) -> Run:
    themes = ThemeMatcher.from_reference()
    actors, projects = ActorResolver(existing_actors or []), ProjectResolver(existing_projects or [])
    ids: dict[str, set[str]] = defaultdict(set)
    project_ids: dict[str, set[str]] = defaultdict(set)
    for space, item in parse_fixtures():
        extracted = extract(item, themes)
        for mention in extracted.actors:
            resolution = actors.resolve(mention, space_id=space, source=space, item=item.source_id)
            ids[mention.name].add(resolution.actor_id)
        for name in extracted.project_names:
            resolution = projects.resolve(name, space_id=space, source=space, item=item.source_id)
            project_ids[name].add(resolution.project_id)
    return Run(actors, projects, dict(ids), dict(project_ids))


@pytest.fixture(scope="module")
def run() -> Run:
    return resolve_fixtures()


def actor_id(run: Run, spelling: str) -> str:
    assert spelling in run.ids_by_spelling, f"{spelling!r} is not named in the sample feeds"
    ids = run.ids_by_spelling[spelling]
    assert len(ids) == 1, f"{spelling!r} was resolved to several actors: {ids}"
    return next(iter(ids))


# Spellings across the centres that name ONE actor, each with why.
SAME_ACTOR: list[tuple[list[str], str]] = [
    (
        ["Gründerwerft MV e.V.", "Gründerwerft MV", "Gründerwerft", "Gründerwerft Mecklenburg-Vorpommern e.V."],
        "MV is Mecklenburg-Vorpommern, e.V. a legal form; 'Gründerwerft' alone is distinctive and fits only it",
    ),
    (["Universität Rostock", "Uni Rostock", "Universitaet Rostock"], "Uni = Universität; umlauts written out"),
    (
        ["Universität Greifswald", "Uni Greifswald", "Ernst-Moritz-Arndt-Universität Greifswald"],
        "the university's former full name contains the current one",
    ),
    (
        ["Hochschule Stralsund", "HS Stralsund", "Hochschule Stralsund (HOST)", "HOST – Hochschule Stralsund"],
        "HS = Hochschule; HOST is the acronym written with the name",
    ),
    (
        ["Hochschule Wismar", "HS Wismar", "Hochschule Wismar, Bereich Seefahrt"],
        "HS = Hochschule; a department is named as part of its university",
    ),
    (["Hochschule Neubrandenburg", "HS Neubrandenburg"], "HS = Hochschule (and the TEC organiser's hs-nb.de)"),
    (
        ["Stadtwerke Rostock AG", "Stadtwerke Rostock Aktiengesellschaft", "Stadtwerke Rostock", "Stadtwerken Rostock"],
        "AG = Aktiengesellschaft, a legal form; 'den Stadtwerken' is the dative",
    ),
    (
        [
            "IHK Neubrandenburg",
            "Industrie- und Handelskammer Neubrandenburg",
            "IHK Neubrandenburg für das östliche Mecklenburg-Vorpommern",
        ],
        "IHK = Industrie- und Handelskammer; the long form only adds its region",
    ),
    (
        ["Medinord Telemedizin", "MEDINORD Telemedizin GmbH", "MediNord Telemedizin GmbH", "MediNord"],
        "case and legal form; 'MediNord' alone ('ärztliche Leiterin bei MediNord') fits only this company",
    ),
    (
        ["Nordlicht 3D GmbH", "NordLicht3D", "Nordlicht 3D-Druck GmbH"],
        "same name without spaces; same domain nordlicht3d.de (kurse@ / info@ / website); same trainer",
    ),
    (["Küstenstrom GmbH", "Kuestenstrom GmbH", "KÜSTENSTROM"], "umlaut written out, capitals, legal form"),
    (
        ["Boddenblick Software & Consulting GmbH", "boddenblick software", "Boddenblick Software GmbH"],
        "same domain boddenblick.de; the short form is contained in the long one",
    ),
    (["Hafenlicht Robotics GmbH", "Hafenlicht Robotics"], "legal form (and the same team in Wismar and Rostock)"),
    (["Ackerwerk Digital eG", "Ackerwerk Digital e.G."], "eG and e.G. are the same legal form"),
    (
        ["Hansestadt Rostock", "Hansestadt Rostock – Hauptamt, Open-Data-Team"],
        "a team of the city administration is named as part of the city",
    ),
    # people
    (
        ["Friederike Lüdemann", "Friederike Luedemann", "Dr. Friederike Lüdemann", "Dr. F. Luedemann"],
        "title, umlaut; 'F.' fits only Friederike among the known Lüdemanns (Jens is J.)",
    ),
    (["Mirela Stanciu", "Prof. Dr. Mirela Stanciu", "Prof. Dr.-Ing. Mirela Stanciu"], "titles"),
    (["Katrin Behnke", "Dr. Katrin Behnke", "Dr. med. Katrin Behnke"], "titles"),
    (["Aylin Demirtaş", "Aylin Demirtas", "A. Demirtaş"], "ş folds to s; initial + surname, one candidate"),
    (["Jan-Hendrik Wollenberg", "Jan Hendrik Wollenberg", "J.-H. Wollenberg"], "hyphen; initials J.-H."),
    (["Ole Petersen-Krüger", "Ole Petersen-Krueger", "Ole Petersen Krüger"], "umlaut written out, hyphen"),
    (["Lena Voß"], "the Atom author and the moderator named in the text"),
]

# Look-alikes that are DIFFERENT actors, each with why.
DIFFERENT_ACTORS: list[tuple[str, str, str]] = [
    ("Stadtwerke Rostock AG", "Stadtwerke Stralsund GmbH", "different town"),
    ("Stadtwerke Rostock AG", "Stadtwerke Schwerin GmbH (SWS)", "different town"),
    ("Stadtwerke Rostock AG", "Neubrandenburger Stadtwerke GmbH", "different town"),
    ("Stadtwerke Stralsund GmbH", "Stadtwerke Schwerin GmbH (SWS)", "different town"),
    ("Universität Rostock", "Universitätsmedizin Rostock", "the university hospital is a body of its own"),
    ("Universität Rostock", "Universität Greifswald", "different town"),
    ("Hochschule Stralsund", "Hochschule Wismar", "different town"),
    ("Hochschule Wismar", "Hochschule Neubrandenburg", "different town"),
    ("HS Stralsund", "HS Neubrandenburg", "different town"),
    ("Landkreis Vorpommern-Rügen", "Landkreis Vorpommern-Greifswald", "different district"),
    ("Dr. F. Luedemann", "Jens Lüdemann", "same surname, F. is not Jens"),
    ("Friederike Lüdemann", "Jens Lüdemann", "same surname, different people"),
    ("Prof. Dr. Henrik Saalfeld", "Henrike Saß", "similar first names, different people"),
    ("IHK Neubrandenburg", "Handwerkskammer Schwerin", "two different chambers"),
    ("IHK Neubrandenburg", "Hochschule Neubrandenburg", "same town only"),
    ("IHK Neubrandenburg", "DIZ Neubrandenburg", "same town only"),
    ("Hochschule Neubrandenburg", "DIZ Neubrandenburg", "same town only (the Hochschule hosts the DIZ)"),
    ("Hochschule Stralsund", "MakerPort Stralsund", "same town only (the Hochschule hosts the MakerPort)"),
    ("Hochschule Wismar", "InnovationPort Wismar", "same town only"),
    ("DIZ Rostock", "Hansestadt Rostock", "same town only"),
    ("Universität Rostock", "Hansestadt Rostock", "same town only"),
    ("Stadtwerke Rostock AG", "Hansestadt Rostock", "a municipal company is not the city"),
    ("DIZ Rostock", "DIZ Greifswald", "different centres"),
    ("Nordlicht 3D GmbH", "Hafenlicht Robotics GmbH", "both '…licht', different companies and domains"),
    ("Boddenblick Software & Consulting GmbH", "Wohnungsgenossenschaft Sundblick eG", "both '…blick'"),
    ("Gründerwerft MV e.V.", "Ackerwerk Digital eG", "both '…werk…'"),
    ("Aylin Demirtaş", "Gründerwerft MV e.V.", "a person is never merged with her organisation (gruenderwerft-mv.de)"),
    ("Sabine Kroll", "Stadtwerke Rostock AG", "a person is never merged with her employer"),
    ("Dr. med. Katrin Behnke", "MediNord Telemedizin GmbH", "a person is never merged with her employer"),
    ("Medinord Telemedizin", "Universitätsmedizin Rostock", "both medical, different organisations"),
]


@pytest.mark.parametrize(("spellings", "why"), SAME_ACTOR, ids=[group[0] for group, _why in SAME_ACTOR])
def test_spellings_that_name_one_actor(run: Run, spellings: list[str], why: str) -> None:
    ids = {spelling: actor_id(run, spelling) for spelling in spellings}
    assert len(set(ids.values())) == 1, f"{why}: {ids}"


@pytest.mark.parametrize(
    ("first", "second", "why"), DIFFERENT_ACTORS, ids=[f"{a} / {b}" for a, b, _ in DIFFERENT_ACTORS]
)
def test_look_alikes_stay_apart(run: Run, first: str, second: str, why: str) -> None:
    assert actor_id(run, first) != actor_id(run, second), why


def test_the_resolved_actors_of_the_sample_feeds(run: Run) -> None:
    actors = {actor.id: actor for actor in run.actors.actors()}
    # every group above is one actor, and nothing else merged: 47 actors in all
    assert len(actors) == 47
    assert actors["universitaet-rostock"].name == "Universität Rostock"  # the written-out form is shown
    assert actors["universitaet-rostock"].kind is ActorKind.UNIVERSITY
    assert actors["universitaet-rostock"].websites == ["https://www.uni-rostock.de"]
    assert actors["gruenderwerft-mecklenburg-vorpommern"].kind is ActorKind.ASSOCIATION
    assert actors["stadtwerke-rostock"].kind is ActorKind.COMPANY
    assert actors["warnowrad"].kind is ActorKind.STARTUP
    assert actors["landkreis-vorpommern-ruegen"].kind is ActorKind.PUBLIC_BODY
    assert actors["industrie-und-handelskammer-neubrandenburg"].kind is ActorKind.PUBLIC_BODY
    assert actors["friederike-luedemann"].kind is ActorKind.PERSON
    assert actors["friederike-luedemann"].name == "Friederike Lüdemann"
    assert actors["friederike-luedemann"].email == "f.luedemann@ki-kompass-mv.de"
    assert actors["lena-voss"].kind is ActorKind.PERSON  # an Atom author without a kind
    assert actors["medinord-telemedizin"].websites == ["https://www.medinord-telemedizin.de"]
    assert set(actors["nordlicht-3d"].aliases) == {"NordLicht3D", "Nordlicht 3D-Druck GmbH"}
    assert sum(1 for actor in actors.values() if actor.kind is ActorKind.PERSON) == 16


def test_every_spelling_is_resolved_to_exactly_one_actor(run: Run) -> None:
    split = {name: ids for name, ids in run.ids_by_spelling.items() if len(ids) != 1}
    assert split == {}


def test_people_and_organisations_never_share_an_actor(run: Run) -> None:
    kinds = {actor.id: actor.kind for actor in run.actors.actors()}
    for decision in run.actors.decisions:
        mention_is_person = kinds[decision.target_id] is ActorKind.PERSON
        named_like_org = any(word in decision.name for word in ("GmbH", "e.V.", "Universit", "Hochschule", "DIZ"))
        assert not (mention_is_person and named_like_org), decision


def test_every_decision_has_a_reason_and_every_alias_a_resolution_line(run: Run) -> None:
    assert all(decision.reason and decision.rule for decision in run.actors.decisions)
    for actor in run.actors.actors():
        spellings = {decision.name for decision in run.actors.decisions_for(actor.id)}
        assert len(actor.resolution) == len(spellings), actor.id
        assert all(line.startswith("'") and "): " in line for line in actor.resolution)


def reason_for(run: Run, spelling: str) -> str:
    lines = [line for actor in run.actors.actors() for line in actor.resolution if line.startswith(repr(spelling))]
    assert lines, spelling
    return lines[0]


@pytest.mark.parametrize(
    ("spelling", "words"),
    [
        ("Uni Rostock", ["new university", "universitaet rostock"]),  # the first spelling seen creates it
        ("Universität Rostock", ["same name after folding", "→ universitaet rostock"]),
        ("HS Stralsund", ["abbreviations", "→ hochschule stralsund"]),
        ("Hochschule Stralsund (HOST)", ["acronym HOST"]),
        ("Stadtwerken Rostock", ["inflection"]),
        ("Stadtwerke Rostock AG", ["legal form"]),
        ("NordLicht3D", ["ignoring spaces"]),
        ("Nordlicht 3D-Druck GmbH", ["same web domain nordlicht3d.de"]),
        ("boddenblick software", ["same web domain boddenblick.de"]),
        ("Gründerwerft", ["'gruenderwerft' is contained in", "only"]),
        ("Hochschule Wismar, Bereich Seefahrt", ["is contained in"]),
        ("Dr. F. Luedemann", ["initials and surname fit exactly one known person", "Friederike Lüdemann"]),
        ("J.-H. Wollenberg", ["initials"]),
        ("Dr. med. Katrin Behnke", ["titles", "→ katrin behnke"]),
    ],
)
def test_reasons_explain_each_merge(run: Run, spelling: str, words: list[str]) -> None:
    line = reason_for(run, spelling)
    assert all(word in line for word in words), line


def test_resolution_lines_name_the_source_and_item(run: Run) -> None:
    line = reason_for(run, "Uni Rostock")
    assert line.startswith("'Uni Rostock' (innovationport-wismar, item ipw-2025-036): ")


def test_resolution_is_deterministic(run: Run) -> None:
    again = resolve_fixtures()
    assert again.actors.decisions == run.actors.decisions
    assert [a.model_dump() for a in again.actors.actors()] == [a.model_dump() for a in run.actors.actors()]


def test_resolving_again_against_the_stored_actors_changes_nothing(run: Run) -> None:
    again = resolve_fixtures(run.actors.actors(), run.projects.projects())
    assert again.ids_by_spelling == run.ids_by_spelling
    assert again.project_ids_by_name == run.project_ids_by_name
    assert not any(decision.created for decision in again.actors.decisions)
    assert again.actors.actors() == [] and again.actors.take_changed() == []
    assert again.projects.projects() == []


# --- projects of the sample feeds ------------------------------------------------------------------

SAME_PROJECT: list[tuple[list[str], str]] = [
    (["KI Kompass MV", "KI-Kompass MV", "KIKompassMV", "KI-Kompass Mecklenburg-Vorpommern"], "hyphen, MV, hashtag"),
    (["Landpuls MV", "LandPuls MV", "Landpuls"], "case; 'MV' is only the region"),
    (["OstseeShuttle", "Ostsee Shuttle", "Ostsee-Shuttle"], "spacing and hyphen"),
    (["TeleMed Vorpommern", "TeleMed-Vorpommern", "Telemed-Vorpommern"], "case and hyphen"),
    (["EnergieQuartier Südstadt"], "one spelling in the project keywords"),
]


def test_projects_of_the_sample_feeds(run: Run) -> None:
    ids = []
    for names, why in SAME_PROJECT:
        group = {frozenset(run.project_ids_by_name[name]) for name in names}
        assert len(group) == 1, why
        (project_ids,) = group
        assert len(project_ids) == 1, why
        ids.append(next(iter(project_ids)))
    assert ids == ["ki-kompass", "landpuls", "ostseeshuttle", "telemed-vorpommern", "energiequartier-suedstadt"]
    assert {project.id for project in run.projects.projects()} == set(ids)


# --- the rules, one by one ---------------------------------------------------------------------------


def org(name: str, **fields: object) -> ActorMention:
    return ActorMention(name=name, role="partner", **fields)  # type: ignore[arg-type]


def person(name: str, **fields: object) -> ActorMention:
    return ActorMention(name=name, role="speaker", kind=ActorKind.PERSON, **fields)  # type: ignore[arg-type]


def resolve_all(resolver: ActorResolver, *mentions: ActorMention) -> list[str]:
    return [resolver.resolve(m, space_id="s", source="feed", item=f"#{i}").actor_id for i, m in enumerate(mentions)]


def test_generic_mail_and_example_domains_never_link_organisations() -> None:
    ids = resolve_all(
        ActorResolver(),
        org("Werkstatt Meier", email="werkstatt.meier@gmail.com"),
        org("Bäckerei Schulz", email="schulz@gmail.com"),
        org("Alpha Robotik GmbH", email="info@example.org"),
        org("Beta Drohnen GmbH", email="kontakt@example.org", website="https://example.org"),
        org("Gamma Daten GmbH", website="https://www.facebook.com/gamma"),
        org("Delta Daten GmbH", website="https://www.facebook.com/delta"),
    )
    assert len(set(ids)) == 6


def test_web_and_mail_domains_link_organisations_and_respect_the_first_path_segment() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver,
        org("Nordlicht 3D GmbH", email="kurse@nordlicht3d.de"),
        org("N3D Druckservice", website="https://www.nordlicht3d.de/kurse"),
        org("IHK zu Rostock", website="https://www.ihk.de/rostock"),
        org("IHK Neubrandenburg für das östliche Mecklenburg-Vorpommern", website="https://www.ihk.de/neubrandenburg"),
    )
    assert ids[0] == ids[1] and ids[2] != ids[3]
    assert resolver.decisions[1].rule == "domain"


def test_a_persons_mail_domain_never_links_her_to_the_organisation() -> None:
    ids = resolve_all(
        ActorResolver(),
        org("Gründerwerft MV e.V.", website="https://gruenderwerft-mv.de"),
        person("Aylin Demirtas", email="aylin.demirtas@gruenderwerft-mv.de"),
        person("Jonas Beispiel", email="jonas@gruenderwerft-mv.de"),
    )
    assert len(set(ids)) == 3


def test_the_same_email_address_links_two_spellings_of_a_person() -> None:
    ids = resolve_all(
        ActorResolver(),
        person("Henrike Saß", email="h.sass@diz-schwerin.de"),
        person("H. Sass-Lorenz", email="H.Sass@diz-schwerin.de"),
    )
    assert ids[0] == ids[1]


def test_acronyms_written_with_a_name_resolve_later_mentions_of_the_acronym_alone() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver, org("Stadtwerke Schwerin GmbH (SWS)"), org("SWS"), org("HOST – Hochschule Stralsund"), org("HOST")
    )
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    assert resolver.decisions[1].rule == resolver.decisions[3].rule == "acronym"


def test_a_contained_name_needs_to_be_distinctive_unambiguous_and_in_the_same_place() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver,
        org("Gründerwerft Rostock e.V."),
        org("Gründerwerft Schwerin e.V."),
        org("Gründerwerft"),  # fits both: a new actor, not a guess
        org("Stadtwerke Rostock GmbH"),
        org("Stadtwerke"),  # generic
        org("Rostock"),  # only a place
        org("Stadtwerke Rostock Greifswald"),  # adds another town
        org("Universität Rostock"),
        org("Universität Rostock, Institut für Informatik"),  # a part of it
    )
    assert len(set(ids[:7])) == 7
    assert ids[7] == ids[8]


def test_near_identical_names_are_typos_but_never_across_places() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver,
        org("Boddenblick Software & Consulting GmbH"),
        org("Boddenblick Sofware & Consulting GmbH"),
        org("Landkreis Vorpommern-Rügen"),
        org("Landkreis Vorpommern-Rüegen"),  # typo, same district
        org("Landkreis Vorpommern-Greifswald"),
    )
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[2] != ids[4]
    assert resolver.decisions[1].rule == "fuzzy" and "similarity" in resolver.decisions[1].reason


def test_initials_only_resolve_when_exactly_one_known_person_fits() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver,
        person("Friederike Lüdemann"),
        person("Frank Lüdemann"),
        person("Dr. F. Luedemann"),  # two people fit: a new actor
        person("Jens Lüdemann"),
        person("J. Lüdemann"),  # only Jens
    )
    assert len(set(ids[:4])) == 4
    assert ids[4] == ids[3]
    # ... and the other way round: a full name for a person first seen with initials
    later = ActorResolver()
    assert (
        resolve_all(later, person("Dr. F. Luedemann"), person("Friederike Lüdemann"))[0] == later.decisions[1].target_id
    )


def test_a_person_and_an_organisation_with_the_same_name_stay_apart() -> None:
    ids = resolve_all(ActorResolver(), org("Kai Uwe"), person("Kai Uwe"))
    assert ids[0] != ids[1]


@pytest.mark.parametrize(
    ("mention", "kind"),
    [
        (org("Warnowrad UG (haftungsbeschränkt)"), ActorKind.STARTUP),
        (org("Küstenstrom GmbH"), ActorKind.COMPANY),
        (org("Stadtwerke Rostock AG"), ActorKind.COMPANY),
        (org("Hochschule Wismar"), ActorKind.UNIVERSITY),
        (org("Uni Greifswald"), ActorKind.UNIVERSITY),
        (org("Fraunhofer IGD"), ActorKind.RESEARCH),
        (org("Leibniz-Institut für Plasmaforschung"), ActorKind.RESEARCH),
        (org("Landkreis Vorpommern-Rügen"), ActorKind.PUBLIC_BODY),
        (org("Hansestadt Rostock"), ActorKind.PUBLIC_BODY),
        (org("Handwerkskammer Schwerin"), ActorKind.PUBLIC_BODY),
        (org("IHK Neubrandenburg"), ActorKind.PUBLIC_BODY),
        (org("Ministerium für Wirtschaft, Infrastruktur, Tourismus und Arbeit"), ActorKind.PUBLIC_BODY),
        (org("Gründerwerft MV e.V."), ActorKind.ASSOCIATION),
        (org("Umweltnetzwerk Strelasund"), ActorKind.ASSOCIATION),
        (org("Hafenlicht Robotics"), ActorKind.ORGANISATION),
        (org("Hafenlicht Robotics", kind=ActorKind.COMPANY), ActorKind.COMPANY),
        (ActorMention(name="Lena Voß", role="author"), ActorKind.PERSON),  # an author who looks like a person
        (ActorMention(name="Dr. Kai Meier", role="organiser"), ActorKind.PERSON),  # a title
        (ActorMention(name="Medinord Telemedizin", role="organiser"), ActorKind.ORGANISATION),
    ],
)
def test_the_kind_of_a_new_actor(mention: ActorMention, kind: ActorKind) -> None:
    resolver = ActorResolver()
    resolve_all(resolver, mention)
    assert resolver.actors()[0].kind is kind


def test_a_later_mention_makes_an_unknown_kind_specific() -> None:
    resolver = ActorResolver()
    resolve_all(resolver, org("Hafenlicht Robotics"), org("Hafenlicht Robotics GmbH"))
    (actor,) = resolver.actors()
    assert actor.kind is ActorKind.COMPANY and actor.aliases == ["Hafenlicht Robotics GmbH"]


def test_new_ids_are_slugs_of_the_key_and_unique() -> None:
    existing = Actor(id="stadtwerke-rostock", name="Ganz Andere Firma GmbH", kind=ActorKind.COMPANY)
    resolver = ActorResolver([existing])
    ids = resolve_all(resolver, org("Stadtwerke Rostock AG"), org("Uni Rostock"), org("Ganz Andere Firma"))
    assert ids == ["stadtwerke-rostock-2", "universitaet-rostock", "stadtwerke-rostock"]


def test_existing_actors_are_matched_copied_and_only_returned_when_changed() -> None:
    stored = Actor(
        id="universitaet-rostock",
        name="Universität Rostock",
        kind=ActorKind.UNIVERSITY,
        aliases=["Uni Rostock"],
        websites=["https://www.uni-rostock.de"],
    )
    untouched = Actor(id="diz-rostock", name="DIZ Rostock")
    resolver = ActorResolver([stored, untouched])
    assert resolve_all(resolver, org("Uni Rostock"), org("DIZ Rostock")) == ["universitaet-rostock", "diz-rostock"]
    assert resolver.actors() == []  # nothing new to either
    resolve_all(resolver, org("Universitaet Rostock", website="https://www.uni-rostock.de/forschung"))
    (changed,) = resolver.take_changed()
    assert changed.aliases == ["Uni Rostock", "Universitaet Rostock"]
    assert changed.websites == ["https://www.uni-rostock.de", "https://www.uni-rostock.de/forschung"]
    assert changed.resolution == [
        "'Universitaet Rostock' (feed, item #0): same name after folding → universitaet rostock"
    ]
    assert stored.aliases == ["Uni Rostock"]  # the caller's object is not changed
    assert resolver.take_changed() == []  # taken
    assert [actor.id for actor in resolver.actors()] == ["universitaet-rostock"]  # still listed as changed overall


def test_decisions_can_be_reviewed_per_actor() -> None:
    resolver = ActorResolver()
    resolve_all(resolver, org("Gründerwerft MV e.V."), org("Gründerwerft"), org("Küstenstrom GmbH"))
    decisions = resolver.decisions_for("gruenderwerft-mecklenburg-vorpommern")
    assert [(d.name, d.rule, d.created) for d in decisions] == [
        ("Gründerwerft MV e.V.", "new", True),
        ("Gründerwerft", "subset", False),
    ]
    assert decisions[1].line().startswith("'Gründerwerft' (feed, item #1): ")


# --- projects, one by one ---------------------------------------------------------------------------


def resolve_projects(resolver: ProjectResolver, *names: str) -> list[str]:
    return [resolver.resolve(n, space_id="s", source="feed", item=f"#{i}").project_id for i, n in enumerate(names)]


def test_project_resolution_rules() -> None:
    resolver = ProjectResolver()
    ids = resolve_projects(
        resolver,
        "EnergieQuartier Südstadt",
        "Energiequartier Rostock-Südstadt",  # only adds a place
        "Energie-Quartier Suedstadt",  # spacing, umlaut
        "TeleMed Vorpommern",
        "TeleMed Westmecklenburg",  # another region: another project
        "Ostsee-Shuttle",
        "Ostsee Shutle",  # typo
        "#KIKompassMV",
        "KI-Kompass Mecklenburg-Vorpommern",
    )
    assert ids == [
        "energiequartier-suedstadt",
        "energiequartier-suedstadt",
        "energiequartier-suedstadt",
        "telemed-vorpommern",
        "telemed-westmecklenburg",
        "ostsee-shuttle",
        "ostsee-shuttle",
        "kikompassmv",
        "kikompassmv",
    ]
    rules = [d.rule for d in resolver.decisions]
    assert rules == ["new", "subset", "compact", "new", "new", "new", "fuzzy", "new", "compact"]
    assert all(d.reason for d in resolver.decisions)
    project = {p.id: p for p in resolver.projects()}["energiequartier-suedstadt"]
    assert project.aliases == ["Energiequartier Rostock-Südstadt", "Energie-Quartier Suedstadt"]
    assert set(resolver.names()) >= {"EnergieQuartier Südstadt", "Ostsee Shutle"}


def test_stored_projects_keep_their_ids() -> None:
    stored = Project(id="landpuls", name="LandPuls MV", aliases=["Landpuls"])
    resolver = ProjectResolver([stored])
    assert resolve_projects(resolver, "Landpuls MV", "LANDPULS", "Landpuls") == ["landpuls"] * 3
    (changed,) = resolver.take_changed()
    assert changed.aliases == ["Landpuls", "Landpuls MV", "LANDPULS"]
    assert resolver.take_changed() == []


def test_a_name_taken_by_containment_never_bridges_to_another_actor() -> None:
    resolver = ActorResolver()
    ids = resolve_all(
        resolver,
        org("Nordlicht Solar GmbH"),
        org("Nordlicht"),  # contained, only one candidate: taken as Nordlicht Solar
        org("Nordlicht Software GmbH"),  # contains "Nordlicht", but that was only an alias: a new actor
        org("Nordlicht"),  # the same spelling still resolves as before
    )
    assert ids[0] == ids[1] == ids[3] != ids[2]
    # the same holds for actors read back from the store (the weak alias is known from its reason)
    stored = ActorResolver(resolver.actors())
    assert resolve_all(stored, org("Nordlicht Software"), org("Nordlicht")) == [ids[2], ids[0]]


def test_initials_taken_for_one_person_never_bridge_to_another() -> None:
    resolver = ActorResolver()
    ids = resolve_all(resolver, person("Friederike Lüdemann"), person("F. Lüdemann"), person("Frank Lüdemann"))
    assert ids[0] == ids[1] != ids[2]


def test_what_a_curator_set_is_not_overwritten_by_a_mention() -> None:
    # Without curation, "Universität Rostock" would replace the abbreviated name, and "GmbH" would type the actor.
    uni = Actor(id="uni", name="Uni Rostock", kind=ActorKind.ORGANISATION, curated=["name", "kind"])
    plain = Actor(id="plain", name="Uni Greifswald", kind=ActorKind.ORGANISATION)
    resolver = ActorResolver([uni, plain])
    resolver.resolve(
        org("Universität Rostock", kind=ActorKind.UNIVERSITY), space_id="diz-rostock", source="s", item="1"
    )
    resolver.resolve(
        org("Universität Greifswald", kind=ActorKind.UNIVERSITY), space_id="diz-greifswald", source="s", item="2"
    )
    changed = {actor.id: actor for actor in resolver.take_changed()}
    assert (changed["uni"].name, changed["uni"].kind) == ("Uni Rostock", ActorKind.ORGANISATION)
    assert "Universität Rostock" in changed["uni"].aliases, "a new spelling is still learnt"
    assert (changed["plain"].name, changed["plain"].kind) == ("Universität Greifswald", ActorKind.UNIVERSITY)


# --- the centres themselves -----------------------------------------------------------------------------

CENTRES = {space.id: space for space in load_spaces()}


@pytest.mark.parametrize(
    ("name", "space_id"),
    [
        ("MakerPort Stralsund", "makerport-stralsund"),
        ("Makerport Stralsund e.V.", "makerport-stralsund"),  # case and a legal form
        ("DIZ Schwerin – Veranstaltungen", "diz-schwerin"),  # a calendar's own name as ORGANIZER
        ("Digitales Innovationszentrum Rostock", "diz-rostock"),  # a DIZ's long form
        ("DIZ Rostock (Digitales Innovationszentrum)", "diz-rostock"),
        ("InnovationPort Wismar", "innovationport-wismar"),
    ],
)
def test_a_feed_naming_its_own_centre_names_the_host(name: str, space_id: str) -> None:
    assert names_centre(name, CENTRES[space_id])


@pytest.mark.parametrize(
    ("name", "space_id", "why"),
    [
        ("Hochschule Stralsund", "makerport-stralsund", "the centre's host, an actor of its own"),
        ("Universität Rostock", "diz-rostock", "the centre's host"),
        ("Redaktion DIZ Greifswald", "diz-greifswald", "a desk named after the centre, not the centre"),
        ("DIZ Rostock", "diz-schwerin", "another centre: a partner from elsewhere"),
        ("Lena Voß", "makerport-stralsund", "a person at the centre"),
        ("Stralsund", "makerport-stralsund", "the town"),
    ],
)
def test_other_names_are_not_the_host(name: str, space_id: str, why: str) -> None:
    assert not names_centre(name, CENTRES[space_id]), why
