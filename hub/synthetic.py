"""A deterministic generator of a realistic synthetic innovation network, for demos and benchmarks.

``generate_graph(actors, events, seed=...)`` builds, from one seeded
:class:`random.Random`, the graph the hub would hold after importing the six
centres' feeds for ``months`` months: the six spaces, the theme taxonomy,
organisations of every :class:`~hub.domain.ActorKind` and people, projects,
events, and one :class:`~hub.domain.ImportRun` per space.  Everything is a
domain object with provenance (``source="synthetic"``, ``source_id``,
``first_seen``/``last_seen`` and ``content_hash``), so it goes through the store
port like imported data.  The same arguments always give the same graph.

Shape (expected values; every draw is random but seeded):

* Actors: ~35 % people (e-mails at ``example.org``), the rest companies,
  start-ups, universities/Hochschulen, research institutes, public bodies
  (Landkreise, Städte, Stadtwerke, Kammern) and associations.  Each has a home
  space; ~15 % are cross-regional, active in 2-3 centres.  Activity is
  heavy-tailed, so a few actors take part in many events.
* Projects: ``round(actors / 40)`` (at least one), each tied to 1-2 themes and
  1-3 spaces.
* Events: hosted by one space (Rostock busiest), ABOUT 1-3 themes, 1-4
  participants (the first ORGANISES; the others PRESENTS_AT, PARTNERS_IN or
  SPONSORS), in ~30 % of events 1-3 people who ATTEND, ~20 % PART_OF a project.
  Start times are Europe/Berlin wall-clock slots (mornings, afternoons,
  evenings) converted to UTC, so CET and CEST both occur; ~8 % are all-day,
  hackathons run over two days.  Statuses: ~88 % scheduled, the rest changed,
  cancelled or tentative.  The description repeats the local date and time in
  German ("Termin: Donnerstag, 16.10.2025, 18:30 Uhr"), as the feeds do.
* Relationships: per event ~5.85 (1 HOSTED_BY + 1.75 ABOUT + 2.25 participants
  + 0.6 ATTENDS + 0.2 PART_OF), plus ACTIVE_IN (~1.2 per actor) and
  CONTRIBUTES_TO (participants of a project's events).  So relationships come to
  about ``5.85 * events + 3 * actors``: ``generate_graph(actors=2_000,
  events=10_000)`` gives ~12,100 nodes and ~64,000 relationships, in about two
  seconds.

Spaces and themes come from :mod:`hub.reference` (``schema/spaces.yaml``,
``schema/themes.yaml``), so generated graphs use the real ids and labels.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import TypeVar
from zoneinfo import ZoneInfo

from hub.domain import (
    NODE_TYPES,
    REL_ENDPOINTS,
    Actor,
    ActorKind,
    Attendance,
    Event,
    EventStatus,
    ImportRun,
    Node,
    Project,
    Relationship,
    RelType,
)
from hub.reference import load_spaces, load_themes
from hub.store.port import GraphStore
from hub.text import slugify

SOURCE = "synthetic"
TIMEZONE = "Europe/Berlin"
BERLIN = ZoneInfo(TIMEZONE)

T = TypeVar("T")
N = TypeVar("N", bound=Node)
R = TypeVar("R", bound=Node | Relationship)

_BRAND_SUFFIX = ("AI", "IQ", "Go", "Lab", "Flow")

# --- vocabulary ------------------------------------------------------------------------------

#: Share of events per space (Rostock is the busiest); unknown ids get the mean.
_SPACE_WEIGHT = {
    "diz-rostock": 25,
    "diz-greifswald": 17,
    "diz-schwerin": 17,
    "makerport-stralsund": 15,
    "innovationport-wismar": 13,
    "diz-neubrandenburg": 13,
}
#: Towns around each centre, for actor names and addresses.
_TOWNS = {
    "makerport-stralsund": ["Stralsund", "Bergen auf Rügen", "Ribnitz-Damgarten", "Barth", "Grimmen", "Sassnitz"],
    "innovationport-wismar": ["Wismar", "Grevesmühlen", "Boltenhagen", "Neukloster", "Gadebusch"],
    "diz-neubrandenburg": ["Neubrandenburg", "Waren (Müritz)", "Neustrelitz", "Demmin", "Altentreptow", "Friedland"],
    "diz-rostock": ["Rostock", "Warnemünde", "Bad Doberan", "Güstrow", "Kühlungsborn", "Teterow"],
    "diz-greifswald": ["Greifswald", "Wolgast", "Anklam", "Pasewalk", "Ueckermünde", "Lubmin"],
    "diz-schwerin": ["Schwerin", "Ludwigslust", "Parchim", "Hagenow", "Crivitz", "Boizenburg"],
}
_LANDKREISE = {
    "makerport-stralsund": "Landkreis Vorpommern-Rügen",
    "innovationport-wismar": "Landkreis Nordwestmecklenburg",
    "diz-neubrandenburg": "Landkreis Mecklenburgische Seenplatte",
    "diz-rostock": "Landkreis Rostock",
    "diz-greifswald": "Landkreis Vorpommern-Greifswald",
    "diz-schwerin": "Landkreis Ludwigslust-Parchim",
}
_INSTITUTIONS = {
    "makerport-stralsund": ["Hochschule Stralsund"],
    "innovationport-wismar": ["Hochschule Wismar"],
    "diz-neubrandenburg": ["Hochschule Neubrandenburg"],
    "diz-rostock": ["Universität Rostock", "Hochschule für Musik und Theater Rostock"],
    "diz-greifswald": ["Universität Greifswald", "Universitätsmedizin Greifswald"],
    "diz-schwerin": ["Fachhochschule des Mittelstands Schwerin", "Hochschule Wismar"],
}
_DEPARTMENTS = [
    "Institut für Informatik",
    "Lehrstuhl für Wirtschaftsinformatik",
    "Institut für Elektrotechnik",
    "Fakultät für Gestaltung",
    "Lehrstuhl für Künstliche Intelligenz",
    "Institut für Mathematik",
    "Fachbereich Maschinenbau",
    "Lehrstuhl für Energiesysteme",
    "Institut für Allgemeinmedizin",
    "Fachbereich Agrarwirtschaft",
    "Institut für Geographie",
    "Lehrstuhl für Tourismusmanagement",
    "Fachbereich Soziale Arbeit",
    "Institut für Schiffbau und Meerestechnik",
    "Gründungsbüro",
    "Transferstelle",
    "Institut für Data Science",
    "Lehrstuhl für Produktionstechnik",
    "Fachbereich Bauingenieurwesen",
    "Institut für Pflegewissenschaft",
]
_RESEARCH = [
    "Fraunhofer-Institut für Graphische Datenverarbeitung IGD",
    "Leibniz-Institut für Plasmaforschung und Technologie",
    "Leibniz-Institut für Ostseeforschung Warnemünde",
    "Max-Planck-Institut für Plasmaphysik",
    "Fraunhofer-Institut für Großstrukturen in der Produktionstechnik IGP",
    "Leibniz-Institut für Katalyse",
    "Forschungsinstitut für Nutztierbiologie",
    "Thünen-Institut für Ostseefischerei",
    "Friedrich-Loeffler-Institut",
    "Zentrum für Innere Führung Digital",
]
_RESEARCH_TOPICS = [
    "Angewandte Datenwissenschaft",
    "Maritime Systeme",
    "Digitale Gesundheit",
    "Erneuerbare Energien",
    "Smart Farming",
    "Robotik",
    "Mensch-Technik-Interaktion",
    "Cybersicherheit",
    "Küstenforschung",
    "Wasserstofftechnologie",
    "Digitale Lehre",
    "Ländliche Räume",
]
_BRAND_PREFIX = [
    "Ostsee",
    "Hanse",
    "Küsten",
    "Bodden",
    "Nord",
    "Haff",
    "Müritz",
    "Rügen",
    "Seen",
    "Peene",
    "Warnow",
    "Greif",
    "Möwen",
    "Leuchtturm",
    "Backstein",
    "Dünen",
    "Kranich",
    "Strand",
    "Wellen",
    "Seeadler",
    "Elde",
    "Tollense",
    "Darß",
    "Usedom",
    "Mecklen",
    "Pommern",
    "Förde",
    "Bernstein",
]
_BRAND_STEM = [
    "werk",
    "data",
    "soft",
    "tec",
    "kraft",
    "byte",
    "labs",
    "logik",
    "bits",
    "sense",
    "mind",
    "wind",
    "licht",
    "net",
    "code",
    "form",
    "systems",
    "robotics",
    "works",
    "energie",
    "hub",
    "cloud",
]
_COMPANY_TRADE = [
    "Software",
    "Systemhaus",
    "IT-Service",
    "Ingenieurbüro",
    "Elektrotechnik",
    "Medientechnik",
    "Solartechnik",
    "Werft",
    "Logistik",
    "Consulting",
    "Automation",
    "Messtechnik",
    "Druckerei",
    "Metallbau",
    "Planungsbüro",
    "Agrarservice",
    "Hotel",
    "Reederei",
    "Pflegedienst",
    "Tischlerei",
]
_SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Kühn",
    "Jäger",
    "Peters",
    "Möller",
    "Voß",
    "Brandt",
    "Lüdemann",
    "Behrens",
    "Thiede",
    "Kröger",
    "Jürgens",
    "Paetow",
    "Ahrens",
    "Dittmann",
    "Gräfe",
    "Rehberg",
    "Schümann",
    "Völz",
    "Buchholz",
    "Stüber",
    "Rohde",
    "Haase",
    "Pohl",
    "Wendt",
    "Pagel",
    "Düwel",
    "Sievert",
    "Tetzlaff",
    "Boldt",
    "Evers",
    "Heß",
    "Grünwald",
    "Nowak",
    "Kowalski",
    "Yılmaz",
    "Nguyen",
    "Popescu",
    "Andersen",
    "Hansen",
    "Lindqvist",
    "Özdemir",
    "Ivanova",
    "Kaminski",
    "Berg",
]
_FIRST_NAMES = [
    "Anna",
    "Lena",
    "Marie",
    "Sophie",
    "Johanna",
    "Katharina",
    "Julia",
    "Laura",
    "Clara",
    "Frieda",
    "Sabine",
    "Anke",
    "Kerstin",
    "Birgit",
    "Ulrike",
    "Doreen",
    "Mandy",
    "Franziska",
    "Jana",
    "Ines",
    "Lukas",
    "Jonas",
    "Felix",
    "Paul",
    "Max",
    "Tim",
    "Jan",
    "Niklas",
    "Moritz",
    "Henrik",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Torsten",
    "Jens",
    "Frank",
    "Uwe",
    "Sven",
    "Matthias",
    "Björn",
    "Jörg",
    "Rüdiger",
    "Søren",
    "Ole",
    "Malte",
    "Hauke",
    "Merle",
    "Wiebke",
    "Jördis",
    "Ayşe",
    "Mehmet",
    "Linh",
    "Olena",
    "Piotr",
    "Zofia",
    "Amir",
    "Leyla",
    "Chiara",
    "Ilka",
]
_TITLES = ["", "", "", "", "", "", "Dr. ", "Prof. Dr. ", "Dipl.-Ing. "]
_ASSOCIATION = [
    "{theme}-Netzwerk {region} e.V.",
    "Förderverein {theme} {town} e.V.",
    "Digitales {town} e.V.",
    "Verein für {theme} in Mecklenburg-Vorpommern e.V.",
    "Makerspace {town} e.V.",
    "Gründerinnen {region} e.V.",
    "Bürgerverein Smart {town} e.V.",
    "Freundeskreis {theme} {town} e.V.",
    "Jugend hackt {town} e.V.",
]
_PUBLIC = [
    "Stadtwerke {town}",
    "Stadt {town}",
    "Amt {town}",
    "Wirtschaftsförderung {town}",
    "Kreisvolkshochschule {town}",
    "Tourismusverband {town}",
    "Jobcenter {town}",
    "Sparkasse {town}",
    "Berufsschule {town}",
    "Gymnasium {town}",
]
_FIXED_PUBLIC = {
    "diz-rostock": ["Hanse- und Universitätsstadt Rostock", "IHK zu Rostock", "Rostocker Straßenbahn AG"],
    "diz-schwerin": [
        "Landeshauptstadt Schwerin",
        "Handwerkskammer Schwerin",
        "IHK zu Schwerin",
        "Ministerium für Wirtschaft, Infrastruktur, Tourismus und Arbeit MV",
    ],
    "diz-neubrandenburg": ["Stadt Neubrandenburg", "IHK Neubrandenburg für das östliche Mecklenburg-Vorpommern"],
    "diz-greifswald": ["Universitäts- und Hansestadt Greifswald"],
    "makerport-stralsund": ["Hansestadt Stralsund", "Handwerkskammer Ostmecklenburg-Vorpommern"],
    "innovationport-wismar": ["Hansestadt Wismar"],
}
_ORGANISATION = [
    "{brand} Stiftung",
    "{brand} gGmbH",
    "Energiegenossenschaft {town} eG",
    "Genossenschaft {brand} eG",
    "{brand} Kollektiv",
    "Kulturhaus {town} gGmbH",
    "Bildungswerk {brand} gGmbH",
]
_PROJECT_PATTERNS = [
    "Labor {theme_word} {region}",
    "Digitales Dorf {town}",
    "Smart Region {region}",
    "Werkstatt {theme_word} {town}",
    "Reallabor {theme_word} {region}",
    "{theme_word} 2030 {region}",
    "Zukunftsquartier {town}",
    "KI-Kompass {region}",
    "Lotsen für {theme_word} MV",
    "Modellregion {theme_word} {region}",
    "Offene Daten {town}",
    "Allianz {theme_word} Ostsee",
    "Netzwerk {theme_word} {region}",
]
_REGIONS = ["Vorpommern", "Mecklenburg", "Seenplatte", "Ostseeküste", "Westmecklenburg", "Rügen", "Nordost", "MV"]
_THEME_WORDS = {
    "mobilitaet": ["Mobilität", "Radverkehr", "Rufbus", "E-Mobilität"],
    "energie": ["Energie", "Wasserstoff", "Solar", "Wärmewende"],
    "gesundheit": ["Gesundheit", "Telemedizin", "Pflege", "E-Health"],
    "wohnen": ["Wohnen", "Quartier", "Smart Home", "Bauen"],
    "tourismus": ["Tourismus", "Gastgeber", "Destination", "Ostseebad"],
    "bildung": ["Bildung", "MINT", "Medienkompetenz", "Weiterbildung"],
    "ki": ["KI", "Daten", "Sprachmodelle", "Machine Learning"],
    "industrie": ["Industrie", "Fertigung", "Handwerk", "Produktion"],
    "landwirtschaft": ["Agrar", "Smart Farming", "Feld", "Ernährung"],
    "maritime-wirtschaft": ["Hafen", "Werft", "Offshore", "Meer"],
    "kultur": ["Kultur", "Kreativwirtschaft", "Museum", "Design"],
    "verwaltung": ["Verwaltung", "E-Government", "Rathaus", "Bürgerservice"],
    "wasserstoff": ["Wasserstoff", "H2", "Elektrolyse"],
    "digitale-technologien": ["Digital", "Cloud", "IoT", "Software"],
    "daten": ["Daten", "Open Data", "Datenraum"],
    "it-sicherheit": ["IT-Sicherheit", "Cybersicherheit", "Security"],
    "gruendung": ["Gründung", "Start-up", "Gründer"],
    "nachhaltigkeit": ["Nachhaltigkeit", "Klima", "Kreislauf"],
    "arbeit": ["Fachkräfte", "New Work", "Coworking"],
}
_TOPICS = {
    "mobilitaet": [
        "Rufbus statt Leerfahrt",
        "Lastenräder im Alltag",
        "Ladeinfrastruktur auf dem Land",
        "Mobilitätsdaten offen nutzen",
        "Carsharing im Dorf",
    ],
    "energie": [
        "Energie vom Dach",
        "Wasserstoff im Nordosten",
        "Wärmewende im Quartier",
        "Energiemonitoring für KMU",
        "Balkonkraftwerke richtig planen",
    ],
    "gesundheit": [
        "Telemedizin in der Fläche",
        "Digitale Pflegedokumentation",
        "Gesundheitsdaten sicher teilen",
        "Apps auf Rezept",
        "Sensorik für ein selbstbestimmtes Leben",
    ],
    "wohnen": [
        "Smart Home für alle",
        "Digitaler Zwilling fürs Quartier",
        "Bauen mit Holz und Daten",
        "Leerstand neu denken",
        "Mieterstrom im Mehrfamilienhaus",
    ],
    "tourismus": [
        "Gästedaten und Datenschutz",
        "Digitale Gästekarte",
        "Besucherlenkung an der Küste",
        "Social Media für Gastgeber",
        "Nachhaltiger Tourismus auf Rügen",
    ],
    "bildung": [
        "Coding für Schüler:innen",
        "Medienkompetenz für Eltern",
        "Lernen mit KI",
        "MINT-Werkstatt",
        "Digitale Weiterbildung im Betrieb",
    ],
    "ki": [
        "Sprachmodelle im Mittelstand",
        "KI-Kompass für KMU",
        "Bilderkennung in der Praxis",
        "Daten aufbereiten für Machine Learning",
        "Generative KI und Urheberrecht",
    ],
    "industrie": [
        "3D-Druck in der Fertigung",
        "Lasercutter-Führerschein",
        "Predictive Maintenance",
        "Digitalisierung im Handwerk",
        "Robotik für kleine Serien",
    ],
    "landwirtschaft": [
        "Drohnen über dem Acker",
        "Open-Source-Hardware für die Landwirtschaft",
        "Smart Farming mit LoRaWAN",
        "Direktvermarktung digital",
        "Bodensensorik",
    ],
    "maritime-wirtschaft": [
        "Digitale Werft",
        "Hafenlogistik 4.0",
        "Offshore-Wind und Daten",
        "Unterwasserrobotik",
        "Autonome Schifffahrt",
    ],
    "kultur": [
        "Digitale Ausstellungen",
        "Kreativwirtschaft trifft Technik",
        "Podcast-Werkstatt",
        "Virtuelle Stadtführungen",
        "Musik und Code",
    ],
    "verwaltung": [
        "Onlinezugangsgesetz in der Praxis",
        "Digitale Bürgerdienste",
        "Open Data im Rathaus",
        "E-Akte einführen",
        "Bürgerbeteiligung online",
    ],
    "wasserstoff": ["Wasserstoff im Nordosten", "Elektrolyse im Hafen", "H2-Tankstellen für Busse"],
    "digitale-technologien": [
        "Cloud für kleine Betriebe",
        "IoT-Sensoren selbst gebaut",
        "LoRaWAN im Landkreis",
        "Low-Code im Mittelstand",
    ],
    "daten": ["Open Data im Rathaus", "Datenräume für KMU", "Dashboards mit offenen Daten", "Datenschutz im Verein"],
    "it-sicherheit": [
        "Phishing erkennen",
        "IT-Notfallplan für KMU",
        "Passwörter und Passkeys",
        "Cybersicherheit im Krankenhaus",
    ],
    "gruendung": [
        "Fördermittel für Gründer:innen",
        "Pitch-Training",
        "Businessplan in einer Woche",
        "Gründen im ländlichen Raum",
    ],
    "nachhaltigkeit": [
        "Kreislaufwirtschaft im Handwerk",
        "CO₂-Bilanz für KMU",
        "Reparieren statt Wegwerfen",
        "Klimaanpassung an der Küste",
    ],
    "arbeit": ["New Work auf dem Land", "Fachkräfte digital gewinnen", "Coworking im Dorf", "Remote Work im Team"],
}
#: Event formats: (name, weight, kind) with kind "timed", "allday" or "twoday".
_FORMATS = [
    ("Workshop", 20, "timed"),
    ("Meetup", 14, "timed"),
    ("Vortrag", 10, "timed"),
    ("Sprechstunde", 9, "timed"),
    ("Netzwerkabend", 7, "timed"),
    ("Webinar", 8, "timed"),
    ("Stammtisch", 5, "timed"),
    ("Innovationsfrühstück", 4, "timed"),
    ("Pitch-Abend", 3, "timed"),
    ("Design-Thinking-Sprint", 3, "timed"),
    ("Makerspace-Abend", 4, "timed"),
    ("Fachtag", 3, "allday"),
    ("Barcamp", 2, "allday"),
    ("Konferenz", 1, "allday"),
    ("Hackathon", 3, "twoday"),
]
#: Local start slots per format family: mornings, afternoons, evenings.
_MORNING = [time(8, 30), time(9, 0), time(9, 30), time(10, 0)]
_AFTERNOON = [time(13, 0), time(14, 0), time(15, 30)]
_EVENING = [time(17, 0), time(17, 30), time(18, 0), time(18, 30), time(19, 0)]
_SLOTS = {
    "Innovationsfrühstück": _MORNING,
    "Sprechstunde": _MORNING + _AFTERNOON,
    "Webinar": _MORNING + _AFTERNOON,
    "Netzwerkabend": _EVENING,
    "Stammtisch": _EVENING,
    "Meetup": _EVENING,
    "Pitch-Abend": _EVENING,
    "Makerspace-Abend": _EVENING,
    "Hackathon": [time(10, 0)],
}
_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
_ROOMS = ["Werkstatt", "Seminarraum 1", "Coworking-Fläche", "Veranstaltungsraum", "Foyer", "Labor"]
_POPULAR_THEMES = frozenset({"ki", "energie", "mobilitaet", "bildung", "gesundheit", "digitale-technologien"})
_KIND_SHARES = [
    (ActorKind.PERSON, 35),
    (ActorKind.COMPANY, 22),
    (ActorKind.STARTUP, 15),
    (ActorKind.ASSOCIATION, 8),
    (ActorKind.PUBLIC_BODY, 7),
    (ActorKind.UNIVERSITY, 5),
    (ActorKind.RESEARCH, 4),
    (ActorKind.ORGANISATION, 4),
]
#: Extra weight for kinds that show up at many events.
_KIND_ACTIVITY = {ActorKind.UNIVERSITY: 3.0, ActorKind.PUBLIC_BODY: 2.0, ActorKind.RESEARCH: 1.5}
_PARTICIPANTS_K = ([1, 2, 3, 4], [30, 30, 25, 15])
_THEMES_K = ([1, 2, 3], [45, 35, 20])
_STATUS = ([EventStatus.SCHEDULED, EventStatus.CHANGED, EventStatus.CANCELLED, EventStatus.TENTATIVE], [88, 5, 5, 2])


# --- the graph -----------------------------------------------------------------------------------


@dataclass
class SyntheticGraph:
    """Generated nodes and relationships; nodes come before the relationships that need them."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)

    def batches(self, batch_size: int = 2000) -> Iterator[list[Node] | list[Relationship]]:
        """Node batches, then relationship batches, in an order a store can write them."""
        yield from _chunks(self.nodes, batch_size)
        yield from _chunks(self.relationships, batch_size)

    def node_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(NODE_TYPES, 0)
        for node in self.nodes:
            counts[node.LABEL] += 1
        return counts

    def relationship_counts(self) -> dict[str, int]:
        counts = {rel_type.value: 0 for rel_type in REL_ENDPOINTS}
        for rel in self.relationships:
            counts[rel.type.value] += 1
        return counts

    async def write_to(
        self, store: GraphStore, batch_size: int = 2000, progress: Callable[[str, int, int], None] | None = None
    ) -> None:
        """Upsert the whole graph into an opened :class:`hub.store.port.GraphStore`.

        ``progress(phase, done, total)`` is called after each batch, with phase
        ``"nodes"`` or ``"relationships"``.
        """
        for phase, items, upsert in (
            ("nodes", self.nodes, store.upsert_nodes),
            ("relationships", self.relationships, store.upsert_relationships),
        ):
            done = 0
            for chunk in _chunks(items, batch_size):
                await upsert(chunk)
                done += len(chunk)
                if progress:
                    progress(phase, done, len(items))


def _chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    for offset in range(0, len(items), size):
        yield list(items[offset : offset + size])


@dataclass
class _ActorDraft:
    id: str
    name: str
    kind: ActorKind
    home: str
    spaces: list[str]
    weight: float
    aliases: list[str] = field(default_factory=list)
    email: str | None = None
    description: str = ""
    first_seen: datetime | None = None


@dataclass
class _ProjectDraft:
    id: str
    name: str
    themes: list[str]
    spaces: list[str]
    description: str
    first_seen: datetime | None = None


class _Generator:
    def __init__(self, seed: int, start: date, months: int):
        self.rng = Random(seed)
        self.start = start
        self.end = _add_months(start, months)
        self.as_of = datetime.combine(self.end, time(6, 0), tzinfo=UTC)
        self.window_start = datetime.combine(start, time(0, 0), tzinfo=UTC)
        self.spaces, self.themes = list(load_spaces()), list(load_themes())
        self.space_ids = [s.id for s in self.spaces]
        self.space_by_id = {s.id: s for s in self.spaces}
        self.theme_ids = [t.id for t in self.themes]
        self.theme_labels = {t.id: t.label_de for t in self.themes}
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set()
        self.relationships: list[Relationship] = []

    # --- helpers ---------------------------------------------------------------------------------

    def unique_id(self, prefix: str, text: str) -> str:
        base = f"{prefix}-{slugify(text, 60)}"
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return candidate

    def unique_name(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.used_names:
            n += 1
            candidate = f"{name} ({n})"
        return candidate

    def towns(self, space_id: str) -> list[str]:
        return _TOWNS.get(space_id) or [self.space_by_id[space_id].city]

    def theme_word(self, theme_id: str) -> str:
        return self.rng.choice(_THEME_WORDS.get(theme_id) or [self.theme_labels[theme_id]])

    def rel(self, rel_type: RelType, start_id: str, end_id: str, source_id: str, first_seen: datetime) -> None:
        self.relationships.append(
            Relationship(
                type=rel_type,
                start_id=start_id,
                end_id=end_id,
                source=SOURCE,
                source_id=source_id,
                sources=[SOURCE],
                first_seen=first_seen,
                last_seen=self.as_of,
                content_hash=_relationship_hash(rel_type, start_id, end_id),
            )
        )

    # --- actors ----------------------------------------------------------------------------------

    def organisation_name(self, kind: ActorKind, space_id: str) -> tuple[str, list[str]]:
        rng = self.rng
        town = rng.choice(self.towns(space_id))
        brand = rng.choice(_BRAND_PREFIX) + rng.choice(_BRAND_STEM)
        theme = self.theme_labels[rng.choice(self.theme_ids)]
        if kind is ActorKind.COMPANY:
            name = rng.choice(
                [
                    f"{brand.capitalize()} GmbH",
                    f"{rng.choice(_COMPANY_TRADE)} {rng.choice(_SURNAMES)} GmbH",
                    f"{rng.choice(_SURNAMES)} & {rng.choice(_SURNAMES)} {rng.choice(_COMPANY_TRADE)} GmbH & Co. KG",
                    f"{rng.choice(_COMPANY_TRADE)} {town} GmbH",
                    f"{brand.capitalize()} AG",
                ]
            )
        elif kind is ActorKind.STARTUP:
            name = rng.choice(
                [
                    f"{brand.capitalize()} UG (haftungsbeschränkt)",
                    f"{brand.capitalize()} GmbH",
                    f"{rng.choice(_BRAND_PREFIX)}{rng.choice(_BRAND_SUFFIX)} UG (haftungsbeschränkt)",
                ]
            )
        elif kind is ActorKind.UNIVERSITY:
            name = f"{rng.choice(_DEPARTMENTS)}, {rng.choice(_INSTITUTIONS.get(space_id, ['Hochschule ' + town]))}"
        elif kind is ActorKind.RESEARCH:
            name = rng.choice([rng.choice(_RESEARCH), f"Zentrum für {rng.choice(_RESEARCH_TOPICS)} {town}"])
        elif kind is ActorKind.PUBLIC_BODY:
            fixed = _FIXED_PUBLIC.get(space_id, [])
            options = [t.format(town=town) for t in _PUBLIC] + fixed + [_LANDKREISE.get(space_id, "Landkreis " + town)]
            name = rng.choice(options)
        elif kind is ActorKind.ASSOCIATION:
            region = rng.choice(_REGIONS)
            name = rng.choice(_ASSOCIATION).format(theme=theme, town=town, region=region)
        else:
            name = rng.choice(_ORGANISATION).format(brand=brand.capitalize(), town=town)
        aliases = []
        folded = name.translate(_UMLAUTS_WRITTEN_OUT)
        if folded != name:
            aliases.append(folded)
        if kind is ActorKind.UNIVERSITY and ", Universität " in name:
            aliases.append(name.replace(", Universität ", ", Uni "))
        return name, aliases

    def person_name(self) -> tuple[str, str, str]:
        rng = self.rng
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_SURNAMES)
        return f"{rng.choice(_TITLES)}{first} {last}", first, last

    def make_actors(self, count: int) -> list[_ActorDraft]:
        rng = self.rng
        kinds, kind_weights = zip(*_KIND_SHARES, strict=True)
        space_weights = [_SPACE_WEIGHT.get(s, 15) for s in self.space_ids]
        emails: set[str] = set()
        drafts: list[_ActorDraft] = []
        for _ in range(count):
            kind = rng.choices(kinds, kind_weights)[0]
            home = rng.choices(self.space_ids, space_weights)[0]
            email = None
            for _attempt in range(12):
                if kind is ActorKind.PERSON:
                    name, first, last = self.person_name()
                    aliases = []
                else:
                    name, aliases = self.organisation_name(kind, home)
                if name not in self.used_names:
                    break
            else:
                # Namesakes are realistic for people; organisations get a branch instead.
                if kind is not ActorKind.PERSON:
                    name = self.unique_name(f"{name}, Außenstelle {rng.choice(self.towns(home))}")
            if kind is ActorKind.PERSON:
                local = f"{slugify(first)}.{slugify(last)}".replace("-", "")
                email, n = f"{local}@example.org", 1
                while email in emails:
                    n += 1
                    email = f"{local}{n}@example.org"
                emails.add(email)
                aliases = [f"{first[0]}. {last}"]
                description = ""
            else:
                description = f"{_KIND_LABEL[kind]} aus {rng.choice(self.towns(home))}."
            self.used_names.add(name)
            spaces = [home]
            if rng.random() < 0.15 and len(self.space_ids) > 1:
                others = [s for s in self.space_ids if s != home]
                spaces += rng.sample(others, min(len(others), rng.choice([1, 1, 2])))
            weight = rng.paretovariate(1.6) * _KIND_ACTIVITY.get(kind, 1.0)
            drafts.append(
                _ActorDraft(
                    id=self.unique_id("a", name),
                    name=name,
                    kind=kind,
                    home=home,
                    spaces=spaces,
                    weight=weight,
                    aliases=aliases,
                    email=email,
                    description=description,
                )
            )
        return drafts

    # --- projects --------------------------------------------------------------------------------

    def make_projects(self, count: int) -> list[_ProjectDraft]:
        rng = self.rng
        drafts = []
        for _ in range(count):
            themes = rng.sample(self.theme_ids, rng.choice([1, 1, 2]))
            spaces = rng.sample(self.space_ids, min(len(self.space_ids), rng.choice([1, 1, 2, 3])))
            for _attempt in range(12):
                name = rng.choice(_PROJECT_PATTERNS).format(
                    theme_word=self.theme_word(themes[0]),
                    region=rng.choice(_REGIONS),
                    town=rng.choice(self.towns(spaces[0])),
                )
                if name not in self.used_names:
                    break
            else:
                name = self.unique_name(f"{name} – Phase 2")
            self.used_names.add(name)
            labels = " und ".join(self.theme_labels[t] for t in themes)
            cities = ", ".join(self.space_by_id[s].city for s in spaces)
            description = f"Ein Vorhaben zu {labels}, getragen von Partnern aus {cities}."
            drafts.append(
                _ProjectDraft(
                    id=self.unique_id("prj", name), name=name, themes=themes, spaces=spaces, description=description
                )
            )
        return drafts

    # --- events ----------------------------------------------------------------------------------

    def event_days(self) -> tuple[list[date], list[float]]:
        """Every day of the window with a weight: weekdays busy, summer and Christmas quiet."""
        days, cum, total = [], [], 0.0
        day = self.start
        while day < self.end:
            weight = (1.0, 1.0, 1.0, 1.0, 0.8, 0.25, 0.05)[day.weekday()]
            if day.month in (7, 8):
                weight *= 0.5
            if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 5):
                weight *= 0.1
            total += weight
            days.append(day)
            cum.append(total)
            day += timedelta(days=1)
        return days, cum


_UMLAUTS_WRITTEN_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_KIND_LABEL = {
    ActorKind.COMPANY: "Unternehmen",
    ActorKind.STARTUP: "Start-up",
    ActorKind.UNIVERSITY: "Hochschuleinrichtung",
    ActorKind.RESEARCH: "Forschungseinrichtung",
    ActorKind.PUBLIC_BODY: "Öffentliche Einrichtung",
    ActorKind.ASSOCIATION: "Verein",
    ActorKind.ORGANISATION: "Organisation",
}


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return date(day.year + month_index // 12, month_index % 12 + 1, min(day.day, 28))


class _Pool:
    """Actors to draw from, weighted by activity; draws are distinct."""

    def __init__(self, drafts: Sequence[_ActorDraft]):
        self.drafts = list(drafts)
        self.cum = list(itertools.accumulate(d.weight for d in drafts))

    def __bool__(self) -> bool:
        return bool(self.drafts)

    def draw(self, rng: Random, exclude: set[str]) -> _ActorDraft | None:
        if not self.drafts:
            return None
        total = self.cum[-1]
        for _ in range(8):
            pick = self.drafts[min(bisect(self.cum, rng.random() * total), len(self.drafts) - 1)]
            if pick.id not in exclude:
                return pick
        return None


def generate_graph(
    actors: int,
    events: int,
    *,
    seed: int = 7,
    start: date = date(2025, 9, 1),
    months: int = 18,
) -> SyntheticGraph:
    """A synthetic network of ``actors`` actors and ``events`` events over ``months`` months from ``start``.

    Also contains the spaces, the themes, ``max(1, round(actors / 40))``
    projects and one ImportRun per space.  Deterministic for given arguments.
    See the module docstring for the shape and the relationship ratio
    (~5.85 per event + ~3 per actor).
    """
    if actors < 1:
        raise ValueError("actors must be at least 1")
    if events < 0:
        raise ValueError("events must not be negative")
    if months < 1:
        raise ValueError("months must be at least 1")
    gen = _Generator(seed, start, months)
    rng = gen.rng

    actor_drafts = gen.make_actors(actors)
    project_drafts = gen.make_projects(max(1, round(actors / 40)))

    # Pools per space: organisations and people separately.
    orgs_in: dict[str, _Pool] = {}
    people_in: dict[str, _Pool] = {}
    all_orgs = _Pool([d for d in actor_drafts if d.kind is not ActorKind.PERSON])
    all_people = _Pool([d for d in actor_drafts if d.kind is ActorKind.PERSON])
    for space_id in gen.space_ids:
        orgs_in[space_id] = _Pool([d for d in actor_drafts if space_id in d.spaces and d.kind is not ActorKind.PERSON])
        people_in[space_id] = _Pool([d for d in actor_drafts if space_id in d.spaces and d.kind is ActorKind.PERSON])
    projects_in = {s: [p for p in project_drafts if s in p.spaces] for s in gen.space_ids}

    def draw(pools: Sequence[_Pool], exclude: set[str]) -> _ActorDraft | None:
        for pool in pools:
            if pool and (pick := pool.draw(rng, exclude)) is not None:
                return pick
        return None

    days, day_cum = gen.event_days()
    formats, format_weights = [f[0] for f in _FORMATS], [f[1] for f in _FORMATS]
    format_kind = {f[0]: f[2] for f in _FORMATS}
    space_weights = [_SPACE_WEIGHT.get(s, 15) for s in gen.space_ids]
    parents = {t.id: t.parent_id for t in gen.themes}
    theme_weights = [(4.0 if t in _POPULAR_THEMES else 1.5) * (0.5 if parents.get(t) else 1.0) for t in gen.theme_ids]
    contributions: dict[tuple[str, str], datetime] = {}
    event_nodes: list[Event] = []

    for index in range(events):
        space = gen.space_by_id[rng.choices(gen.space_ids, space_weights)[0]]
        project = None
        if rng.random() < 0.2:
            candidates = projects_in[space.id] or project_drafts
            project = rng.choice(candidates)
        n_themes = rng.choices(*_THEMES_K)[0]
        themes = list(project.themes[:1]) if project else []
        while len(themes) < n_themes:
            theme = rng.choices(gen.theme_ids, theme_weights)[0]
            if theme not in themes:
                themes.append(theme)
        fmt = rng.choices(formats, format_weights)[0]
        kind = format_kind[fmt]
        day = days[min(bisect(day_cum, rng.random() * day_cum[-1]), len(days) - 1)]
        if kind == "twoday":  # hackathons start on a Saturday and run into Sunday
            day += timedelta(days=(5 - day.weekday()) % 7)
            if day + timedelta(days=1) >= gen.end:
                day -= timedelta(days=7)
        topic = rng.choice(_TOPICS.get(themes[0]) or [gen.theme_labels[themes[0]]])
        title = rng.choice([f"{fmt}: {topic}", f"{topic} – {fmt}", f"{fmt} „{topic}“"])
        if rng.random() < 0.08:
            title += f" (Teil {rng.choice([2, 3])})"
        date_text = f"{_WEEKDAYS[day.weekday()]}, {day:%d.%m.%Y}"
        if kind == "allday" or (kind == "timed" and rng.random() < 0.02):
            all_day = True
            local_start = datetime.combine(day, time(0, 0), tzinfo=BERLIN)
            local_end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=BERLIN)
            when = f"Termin: {date_text}, ganztägig"
        else:
            all_day = False
            slot = rng.choice(_SLOTS.get(fmt) or (_MORNING + _AFTERNOON + _EVENING))
            local_start = datetime.combine(day, slot, tzinfo=BERLIN)
            if kind == "twoday":
                local_end = datetime.combine(day + timedelta(days=1), time(16, 0), tzinfo=BERLIN)
            else:
                local_end = local_start + timedelta(minutes=rng.choice([60, 90, 120, 120, 180]))
            when = f"Termin: {date_text}, {slot:%H:%M} Uhr"
        attendance = rng.choices([Attendance.OFFLINE, Attendance.ONLINE, Attendance.MIXED], [80, 12, 8])[0]
        if fmt == "Webinar":
            attendance = Attendance.ONLINE
        status = rng.choices(*_STATUS)[0]
        published = min(local_start.astimezone(UTC) - timedelta(days=rng.randint(7, 60)), gen.as_of - timedelta(days=1))
        first_seen = max(published, gen.window_start - timedelta(days=30))
        theme_text = ", ".join(gen.theme_labels[t] for t in themes)
        description = (
            f"{fmt} im {space.name} zum Thema {theme_text}.\n{when}."
            + (f"\nTeil des Projekts „{project.name}“." if project else "")
            + ("\nDie Veranstaltung fällt leider aus." if status is EventStatus.CANCELLED else "")
        )
        event_id = f"ev-{space.id}-{day:%Y%m%d}-{index:06d}"
        online = attendance is Attendance.ONLINE
        event = Event(
            id=event_id,
            title=title,
            description=description,
            start=local_start,
            end=local_end,
            timezone=TIMEZONE,
            all_day=all_day,
            status=status,
            attendance=attendance,
            location_name="Online" if online else f"{space.name}, {rng.choice(_ROOMS)}",
            address="" if online else f"{space.city}",
            latitude=None if online else space.latitude,
            longitude=None if online else space.longitude,
            url=f"https://{space.id}.example.org/veranstaltungen/{slugify(title, 50)}-{index}",
            categories=[fmt],
            keywords=[gen.theme_labels[t] for t in themes],
            cost=rng.choices(["Kostenlos", "", "15 €", "35 €"], [70, 15, 10, 5])[0],
            source=SOURCE,
            source_id=event_id,
            sources=[SOURCE],
            first_seen=first_seen,
            last_seen=gen.as_of,
        )
        event_nodes.append(event)

        gen.rel(RelType.HOSTED_BY, event_id, space.id, event_id, first_seen)
        for theme in themes:
            gen.rel(RelType.ABOUT, event_id, theme, event_id, first_seen)
        if project:
            gen.rel(RelType.PART_OF, event_id, project.id, event_id, first_seen)

        taken: set[str] = set()
        local_orgs, local_people = orgs_in[space.id], people_in[space.id]
        n_participants = rng.choices(*_PARTICIPANTS_K)[0]
        for position in range(n_participants):
            if position == 0:
                rel_type = RelType.ORGANISES
                person_first = rng.random() < 0.1
            else:
                rel_type = rng.choices([RelType.PRESENTS_AT, RelType.PARTNERS_IN, RelType.SPONSORS], [50, 30, 20])[0]
                person_first = rel_type is RelType.PRESENTS_AT and rng.random() < 0.7
            pools = (
                [local_people, local_orgs, all_people, all_orgs]
                if person_first
                else [local_orgs, local_people, all_orgs, all_people]
            )
            actor = draw(pools, taken)
            if actor is None:
                break
            taken.add(actor.id)
            gen.rel(rel_type, actor.id, event_id, event_id, first_seen)
            actor.first_seen = first_seen if actor.first_seen is None else min(actor.first_seen, first_seen)
            if project:
                key = (actor.id, project.id)
                contributions[key] = min(contributions.get(key, first_seen), first_seen)
        if rng.random() < 0.3:
            for _ in range(rng.choice([1, 2, 3])):
                actor = draw([local_people, all_people], taken)
                if actor is None:
                    break
                taken.add(actor.id)
                gen.rel(RelType.ATTENDS, actor.id, event_id, event_id, first_seen)
                actor.first_seen = first_seen if actor.first_seen is None else min(actor.first_seen, first_seen)
        if project:
            project.first_seen = first_seen if project.first_seen is None else min(project.first_seen, first_seen)

    # Per-actor and per-project relationships, now that first appearances are known.
    for draft in actor_drafts:
        seen = draft.first_seen or gen.window_start
        for space_id in draft.spaces:
            gen.rel(RelType.ACTIVE_IN, draft.id, space_id, draft.id, seen)
    for (actor_id, project_id), seen in sorted(contributions.items()):
        gen.rel(RelType.CONTRIBUTES_TO, actor_id, project_id, project_id, seen)

    nodes: list[Node] = []
    for node in gen.spaces + gen.themes:
        nodes.append(_with_provenance(node, gen.window_start, gen.as_of))
    for draft in actor_drafts:
        nodes.append(
            Actor(
                id=draft.id,
                name=draft.name,
                kind=draft.kind,
                aliases=draft.aliases,
                home_space_id=draft.home,
                websites=[]
                if draft.kind is ActorKind.PERSON
                else [f"https://{draft.id.removeprefix('a-')}.example.org"],
                email=draft.email,
                description=draft.description,
                source=SOURCE,
                source_id=draft.id,
                sources=[SOURCE],
                first_seen=draft.first_seen or gen.window_start,
                last_seen=gen.as_of,
            )
        )
    for draft in project_drafts:
        nodes.append(
            Project(
                id=draft.id,
                name=draft.name,
                description=draft.description,
                source=SOURCE,
                source_id=draft.id,
                sources=[SOURCE],
                website=f"https://{draft.id.removeprefix('prj-')}.example.org",
                first_seen=draft.first_seen or gen.window_start,
                last_seen=gen.as_of,
            )
        )
    nodes.extend(event_nodes)
    hosted: dict[str, int] = dict.fromkeys(gen.space_ids, 0)
    for rel in gen.relationships:
        if rel.type is RelType.HOSTED_BY:
            hosted[rel.end_id] += 1
    for space_id in gen.space_ids:
        nodes.append(
            ImportRun(
                id=f"run-{SOURCE}-{space_id}",
                source_key=space_id,
                started_at=gen.as_of,
                finished_at=gen.as_of + timedelta(seconds=rng.randint(2, 40)),
                status="ok",
                new=hosted[space_id],
                source=SOURCE,
                source_id=space_id,
                sources=[SOURCE],
                first_seen=gen.as_of,
                last_seen=gen.as_of,
            )
        )
    return SyntheticGraph(nodes=[_hashed(node) for node in nodes], relationships=gen.relationships)


def _with_provenance(node: N, first_seen: datetime, last_seen: datetime) -> N:
    """A copy of a reference node, with synthetic provenance for what it lacks."""
    update: dict[str, object] = {}
    if not node.source:
        update |= {"source": SOURCE, "source_id": node.id, "sources": [SOURCE]}
    if node.first_seen is None:
        update["first_seen"] = first_seen
    if node.last_seen is None:
        update["last_seen"] = last_seen
    return node.model_copy(update=update)


def _relationship_hash(rel_type: RelType, start_id: str, end_id: str) -> str:
    """What ``Relationship.compute_hash()`` returns, without building the model twice (it is the hot path).

    tests/test_synthetic.py checks that both agree for every generated relationship.
    """
    content = {"end_id": end_id, "start_id": start_id, "type": rel_type.value}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _hashed(record: R) -> R:
    """``record`` with its content hash (``model_copy`` skips re-validating the whole model)."""
    if record.content_hash is not None:
        return record
    return record.model_copy(update={"content_hash": record.compute_hash()})
