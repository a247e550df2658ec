"""Synthetic event FEEDS for the six centres, each in its own real-world format, for demos and benchmarks.

``write_demo_feeds(target_dir, events=1200, seed=7)`` writes what the six centres would publish
if they ran ``events`` events between ``start`` and ``start + months``, and returns a
:class:`DemoFeeds` naming every file and a source registry (``DemoFeeds.write_registry(path)``
dumps it as YAML). The hub syncs these files exactly like real feeds (``file://`` URLs), so a
demo or a benchmark goes through fetch, parse, normalise, resolve and sync. It is not the graph
generator (:mod:`hub.synthetic` builds domain objects directly); this one writes bytes.

The centres and what their feeds do (the quirks of ``shared/feeds/``, at any size):

* ``makerport-stralsund``: iCalendar from The Events Calendar: ``TZID=Europe/Berlin`` with a
  VTIMEZONE, CRLF, lines folded at 75 octets (folds may split an escape), escaped ``, ; \\n``,
  comma-separated CATEGORIES, ``ORGANIZER;CN="…":MAILTO:``, GEO and ``X-APPLE-STRUCTURED-LOCATION``,
  ``postID-startUnix-endUnix@host`` UIDs, and one weekly series (RRULE with UNTIL, one EXDATE).
* ``innovationport-wismar``: RSS 2.0 with the event module (``ev:startdate`` …, several organisers
  separated by ``; ``); about a fifth of the items have no ``ev:`` fields and give the date only in
  German prose ("am 12. März 2026 um 18:00 Uhr").
* ``diz-neubrandenburg``: The Events Calendar REST pages (50 events each) in PHP's JSON style
  (``\\/``, ``\\uXXXX``), HTML entities in titles, ``venue: []`` for online events, organiser lists,
  antispambot-obfuscated e-mails, ``event_status`` for cancellations; ``next_rest_url`` links the
  pages by their ``file://`` URIs.
* ``diz-rostock``: HTML pages with schema.org JSON-LD (50 events each) as ``@graph``, ``ItemList``
  or one block per event, plus a detail page repeating one event (same ``identifier``);
  organisers, performers and sponsors as Organization/Person with affiliations.
* ``diz-greifswald``: Atom 1.0 whose date and place are only in German HTML text, in five styles
  ("📅 Mi, 14.10.2026 · 17:30–19:00 Uhr", "Wann: 3. Juni 2026, 18 Uhr", "am 12.03.2026 von 10 bis
  12 Uhr", …), with theme (``/themen/``) and project (``/projekte/``) categories.
* ``diz-schwerin``: iCalendar from Google Calendar: UTC times, ``X-WR-TIMEZONE``, unsorted,
  ATTENDEE lines with CN/CUTYPE, SEQUENCE, no CATEGORIES, Google Meet blocks for online events.

Content: German events on twelve themes, worded with labels and synonyms of
``schema/themes.yaml``. Organisers, speakers, partners and sponsors come from one shared pool of
synthetic organisations and people. About a fifth of the organisations (and some people) turn up
in two or three centres, each centre spelling them its own way (legal form or not, umlauts or
ae/oe/ue, "Uni"/"HS" abbreviations, case); a few different organisations look alike on purpose
("Stadtwerke Rostock AG" / "Stadtwerke Greifswald GmbH"). Recurring projects ("KI-Kompass MV",
"Ostsee-Shuttle", …) run across centres, again spelled differently. :attr:`DemoFeeds.aliases`
and :attr:`DemoFeeds.lookalikes` are the ground truth for entity resolution.

Everything is synthetic: web addresses and e-mails are under ``.example`` (only format artefacts,
such as Google's calendar and Meet addresses and namespace URIs, keep their real hosts). The same
arguments always give byte-identical files (only ``file://`` URIs depend on ``target_dir``).
50,000 events (about 110 MB) take about 7 s.
"""

from __future__ import annotations

import argparse
import email.utils
import html
import json
import math
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any, NamedTuple, TypeVar
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import yaml

from hub.domain import ActorKind
from hub.text import fold, slugify

__all__ = ["FORMATS", "PAGE_SIZE", "SCHEDULE", "THEME_WORDS", "DemoFeeds", "default_start", "main", "write_demo_feeds"]

TIMEZONE = "Europe/Berlin"
BERLIN = ZoneInfo(TIMEZONE)
SCHEDULE = "PT1H"
#: Events per TEC REST page and per JSON-LD listing page.
PAGE_SIZE = 50
#: The registry's ``format`` values.
FORMATS = ("ical", "rss", "atom", "tec_json", "jsonld_html")
#: Share of the events a centre runs in the ``makerport`` weekly series at most.
_MAX_SERIES = 450  # the iCal parser keeps at most 500 occurrences per series

T = TypeVar("T")


# --- the centres ------------------------------------------------------------------------------


class _Venue(NamedTuple):
    name: str
    street: str
    postcode: str
    city: str
    latitude: float
    longitude: float

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def full(self) -> str:
        """Name and address on one line, as feeds write a place."""
        return f"{self.name}, {self.address}"


@dataclass(frozen=True)
class _Centre:
    id: str
    name: str
    format: str
    weight: int
    host: str  # web host, under .example
    venues: tuple[_Venue, ...]  # the centre's own premises first
    towns: tuple[str, ...]
    theme_bias: dict[str, float]

    @property
    def site(self) -> str:
        return f"https://{self.host}"

    @property
    def email(self) -> str:
        return f"info@{self.host.removeprefix('www.')}"


_CENTRES: tuple[_Centre, ...] = (
    _Centre(
        "makerport-stralsund",
        "MakerPort Stralsund",
        "ical",
        15,
        "www.makerport-stralsund.example",
        (
            _Venue("MakerPort Stralsund", "Hafenstraße 12", "18439", "Stralsund", 54.3147, 13.0968),
            _Venue("Hochschule Stralsund, Haus 21", "Campusweg 3", "18435", "Stralsund", 54.3389, 13.0744),
            _Venue("Bürgerhaus Knieper West", "Lindenallee 9", "18437", "Stralsund", 54.3262, 13.0533),
            _Venue("Gründerhaus Rügen", "Markt 4", "18528", "Bergen auf Rügen", 54.4174, 13.4335),
            _Venue("Werkstatthof Barth", "Hafenweg 2", "18356", "Barth", 54.3697, 12.7254),
        ),
        ("Stralsund", "Bergen auf Rügen", "Ribnitz-Damgarten", "Barth", "Grimmen", "Sassnitz"),
        {"industrie": 2.2, "bildung": 1.4, "tourismus": 1.3, "gruendung": 1.2},
    ),
    _Centre(
        "innovationport-wismar",
        "InnovationPort Wismar",
        "rss",
        13,
        "www.innovationport-wismar.example",
        (
            _Venue("InnovationPort Wismar", "Alter Hafen 3", "23966", "Wismar", 53.8953, 11.4566),
            _Venue("Hochschule Wismar, Haus 7", "Campusallee 14", "23966", "Wismar", 53.9006, 11.4791),
            _Venue("Technikzentrum Grevesmühlen", "Bahnhofstraße 21", "23936", "Grevesmühlen", 53.8636, 11.1869),
            _Venue("Kurhaus Boltenhagen, Saal", "Ostseeallee 5", "23946", "Boltenhagen", 54.0027, 11.1957),
        ),
        ("Wismar", "Grevesmühlen", "Boltenhagen", "Neukloster", "Gadebusch"),
        {"maritime-wirtschaft": 2.5, "gruendung": 1.3, "industrie": 1.3},
    ),
    _Centre(
        "diz-neubrandenburg",
        "DIZ Neubrandenburg",
        "tec_json",
        13,
        "www.diz-neubrandenburg.example",
        (
            _Venue("DIZ Neubrandenburg", "Tollenseufer 12", "17033", "Neubrandenburg", 53.5566, 13.2581),
            _Venue("Hochschule Neubrandenburg, Hörsaal 2", "Campusring 1", "17033", "Neubrandenburg", 53.5398, 13.2448),
            _Venue("Forum am Hafen", "Strandstraße 8", "17192", "Waren (Müritz)", 53.5127, 12.6836),
            _Venue("Rathaus Neustrelitz, Ratssaal", "Markt 1", "17235", "Neustrelitz", 53.3644, 13.0630),
        ),
        ("Neubrandenburg", "Waren (Müritz)", "Neustrelitz", "Demmin", "Altentreptow", "Friedland"),
        {"landwirtschaft": 2.6, "energie": 1.4, "wohnen": 1.3},
    ),
    _Centre(
        "diz-rostock",
        "DIZ Rostock",
        "jsonld_html",
        25,
        "www.diz-rostock.example",
        (
            _Venue("DIZ Rostock", "Warnowufer 21", "18057", "Rostock", 54.0924, 12.1286),
            _Venue("Universität Rostock, Konferenzraum 1", "Campusallee 3", "18059", "Rostock", 54.0758, 12.1081),
            _Venue("Hafenhaus Warnemünde", "Kaistraße 8", "18119", "Rostock", 54.1769, 12.0883),
            _Venue("Technologiezentrum Güstrow", "Am Wall 5", "18273", "Güstrow", 53.7935, 12.1763),
            _Venue("Begegnungszentrum Südstadt", "Südring 7", "18059", "Rostock", 54.0713, 12.1163),
        ),
        ("Rostock", "Warnemünde", "Bad Doberan", "Güstrow", "Kühlungsborn", "Teterow"),
        {"ki": 1.5, "daten": 1.4, "maritime-wirtschaft": 1.5, "mobilitaet": 1.2},
    ),
    _Centre(
        "diz-greifswald",
        "DIZ Greifswald",
        "atom",
        17,
        "www.diz-greifswald.example",
        (
            _Venue("DIZ Greifswald", "Hafenstraße 31", "17489", "Greifswald", 54.0967, 13.3855),
            _Venue("Universität Greifswald, Seminarraum 1.04", "Domplatz 3", "17489", "Greifswald", 54.0954, 13.3778),
            _Venue("Haus des Gastes", "Strandpromenade 2", "17454", "Zinnowitz", 54.0776, 13.9125),
            _Venue("Kulturhafen Wolgast", "Hafenplatz 1", "17438", "Wolgast", 54.0552, 13.7760),
            _Venue("Hof Wackerow", "Dorfstraße 8", "17498", "Wackerow", 54.0811, 13.3236),
        ),
        ("Greifswald", "Wolgast", "Anklam", "Pasewalk", "Ueckermünde", "Lubmin"),
        {"gesundheit": 2.2, "energie": 1.5, "tourismus": 1.3},
    ),
    _Centre(
        "diz-schwerin",
        "DIZ Schwerin",
        "ical",
        17,
        "www.diz-schwerin.example",
        (
            _Venue("DIZ Schwerin", "Am Pfaffenteich 8", "19055", "Schwerin", 53.6321, 11.4139),
            _Venue("Stadthaus Schwerin, Saal 3", "Am Markt 14", "19055", "Schwerin", 53.6288, 11.4148),
            _Venue("Tagungshaus Ludwigslust", "Schloßstraße 18", "19288", "Ludwigslust", 53.3292, 11.4973),
            _Venue("Bürgerhaus Parchim", "Lindenstraße 30", "19370", "Parchim", 53.4260, 11.8485),
        ),
        ("Schwerin", "Ludwigslust", "Parchim", "Hagenow", "Crivitz", "Boizenburg"),
        {"daten": 1.6, "gesundheit": 1.3, "bildung": 1.3},
    ),
)

# --- themes, formats, topics ------------------------------------------------------------------

#: Words the feeds use for each theme; every one is a label or synonym in schema/themes.yaml.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    "mobilitaet": ("Mobilität", "E-Mobilität", "ÖPNV", "Radverkehr", "Logistik"),
    "energie": ("Energie", "Energiewende", "Photovoltaik", "Windkraft", "Wärmewende"),
    "gesundheit": ("Gesundheit", "Pflege", "Telemedizin", "E-Health"),
    "wohnen": ("Wohnen", "Quartiersentwicklung", "Smart Home", "Bauen"),
    "tourismus": ("Tourismus", "Gastgewerbe", "Destination"),
    "bildung": ("Bildung", "Weiterbildung", "MINT", "Medienkompetenz"),
    "ki": ("KI", "Künstliche Intelligenz", "Sprachmodelle", "Machine Learning"),
    "daten": ("Daten", "Open Data", "Datenschutz", "Datenanalyse"),
    "industrie": ("Industrie & Produktion", "Industrie 4.0", "3D-Druck", "Robotik"),
    "landwirtschaft": ("Landwirtschaft", "Smart Farming", "Agrarwirtschaft"),
    "maritime-wirtschaft": ("Maritime Wirtschaft", "Hafen", "Werften", "Offshore"),
    "gruendung": ("Gründung", "Start-up", "Fördermittel", "Existenzgründung"),
}
_THEME_WEIGHT = {
    "ki": 12,
    "energie": 10,
    "gruendung": 10,
    "bildung": 9,
    "mobilitaet": 8,
    "gesundheit": 8,
    "daten": 8,
    "industrie": 8,
    "maritime-wirtschaft": 7,
    "tourismus": 7,
    "wohnen": 6,
    "landwirtschaft": 6,
}

# (title topic, first sentence of the description)
_TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    "mobilitaet": (
        (
            "Rufbusse per App im ländlichen Raum",
            "Wie kommen Menschen ohne eigenes Auto zum Arzt, zur Schule oder zum Bahnhof? Rufbusse, "
            "die per App bestellt werden, schließen Lücken im Fahrplan.",
        ),
        (
            "Lastenräder für Handwerk und Pflegedienste",
            "Lastenräder ersetzen in der Innenstadt immer öfter den Transporter. Betriebe berichten, "
            "was sich im Alltag bewährt hat.",
        ),
        (
            "Ladeinfrastruktur im Quartier",
            "Wer soll die Ladesäulen bauen, betreiben und bezahlen? Kommunen, Wohnungsunternehmen und "
            "Energieversorger suchen gemeinsam Antworten.",
        ),
        (
            "Mobilitätsdaten für Kommunen",
            "Zählstellen, Ticketdaten und Sharing-Angebote liefern Daten, mit denen Kommunen ihren "
            "Verkehr besser planen können.",
        ),
        (
            "Autonome Shuttles an der Küste",
            "Fahrerlose Kleinbusse werden in mehreren Regionen erprobt. Was bedeutet das für Urlaubsorte "
            "an der Ostseeküste?",
        ),
    ),
    "energie": (
        (
            "Photovoltaik auf Gewerbedächern",
            "Viele Hallendächer in der Region sind noch ungenutzt. Wir rechnen gemeinsam durch, wann sich "
            "eine Solaranlage für Betriebe lohnt.",
        ),
        (
            "Mieterstrom und Quartiersspeicher",
            "Strom vom eigenen Dach für die Mieter:innen im Haus: Ein Speicher im Quartier macht das "
            "Modell wirtschaftlich.",
        ),
        (
            "Bürgerenergie und Windkraft vor Ort",
            "Wie können Gemeinden und Bürger:innen an Windparks beteiligt werden? Beispiele aus "
            "Mecklenburg-Vorpommern zeigen verschiedene Wege.",
        ),
        (
            "Wärmewende in der Kommune",
            "Die kommunale Wärmeplanung stellt kleine Gemeinden vor große Aufgaben. Digitale Werkzeuge "
            "helfen bei der Bestandsaufnahme.",
        ),
        (
            "Energiemonitoring für kleine Betriebe",
            "Mit günstigen Sensoren und einer offenen Plattform sehen Betriebe, wo Energie verloren geht.",
        ),
    ),
    "gesundheit": (
        (
            "Telemedizin für Hausarztpraxen",
            "Videosprechstunde und Telekonsil sparen Patient:innen auf dem Land lange Wege. Praxen "
            "berichten von ihren Erfahrungen.",
        ),
        (
            "Digitale Pflegedokumentation",
            "Tablet statt Papierordner: Ambulante Pflegedienste zeigen, wie digitale Dokumentation Zeit "
            "für die Pflege schafft.",
        ),
        (
            "Sensorik in der ambulanten Pflege",
            "Sturzsensoren und smarte Medikamentenboxen sollen älteren Menschen ein längeres Leben in der "
            "eigenen Wohnung ermöglichen.",
        ),
        (
            "Gesundheitsdaten sicher nutzen",
            "Forschung braucht Daten, Patient:innen brauchen Schutz. Wie passt beides zusammen?",
        ),
        (
            "Apps auf Rezept",
            "Digitale Gesundheitsanwendungen können verschrieben werden. Was Entwickler:innen für die "
            "Zulassung wissen müssen.",
        ),
    ),
    "wohnen": (
        (
            "Smart Home für ältere Menschen",
            "Assistenzsysteme in der Wohnung können Sicherheit geben, ohne zu überwachen. Wir zeigen "
            "Beispiele zum Ausprobieren.",
        ),
        (
            "Digitale Bauakte für Wohnungsunternehmen",
            "Pläne, Wartungsprotokolle und Energiedaten an einem Ort: Wohnungsunternehmen berichten von "
            "der Umstellung.",
        ),
        (
            "Quartiersentwicklung mit Bürgerbeteiligung",
            "Digitale Karten und Workshops vor Ort bringen Ideen der Anwohner:innen in die Planung ein.",
        ),
        (
            "3D-Stadtmodelle für die Sanierung",
            "Ein digitales Stadtmodell zeigt, wo eine Sanierung am meisten Energie spart.",
        ),
        (
            "Serielles Sanieren im Plattenbau",
            "Vorgefertigte Fassadenelemente sollen Sanierungen schneller und günstiger machen.",
        ),
    ),
    "tourismus": (
        (
            "Digitale Gästekarte für die Region",
            "Eine Karte für Bus, Museum und Strandkorb: Tourismusorte arbeiten an einer gemeinsamen "
            "digitalen Gästekarte.",
        ),
        (
            "Besucherlenkung an der Ostseeküste",
            "Wo ist der Parkplatz voll, wo der Strand leer? Echtzeitdaten sollen Gäste in der Hochsaison "
            "besser verteilen.",
        ),
        (
            "Buchungssysteme für kleine Gastgeber",
            "Ferienwohnungen und Pensionen verlieren ohne digitale Buchung Gäste. Wir vergleichen "
            "Lösungen für kleine Betriebe.",
        ),
        (
            "KI im Gastgewerbe",
            "Von der automatischen Antwort auf Gästeanfragen bis zur Dienstplanung: Was KI in Hotels und "
            "Restaurants heute leistet.",
        ),
        (
            "Nachhaltiger Tourismus auf Rügen und Usedom",
            "Wie lassen sich Gäste für Bahn, Rad und regionale Angebote gewinnen?",
        ),
    ),
    "bildung": (
        (
            "Programmieren für Schüler:innen",
            "Schüler:innen programmieren kleine Spiele, Roboter und Wetterstationen, ganz ohne Vorkenntnisse.",
        ),
        (
            "Medienkompetenz für Eltern",
            "Was machen Kinder eigentlich auf dem Smartphone? Ein Abend mit praktischen Tipps für Eltern.",
        ),
        (
            "MINT-Ferienkurs",
            "In den Ferien bauen Jugendliche eigene Elektronikprojekte und lernen Berufe in der Technik kennen.",
        ),
        (
            "Weiterbildung Digitalisierung für Beschäftigte",
            "Kompakte Weiterbildung für Beschäftigte aus kleinen und mittleren Unternehmen, die "
            "Digitalisierungsprojekte verantworten.",
        ),
        (
            "Lernplattformen in der Ausbildung",
            "Berufsschulen und Ausbildungsbetriebe berichten, wie sie Lernplattformen gemeinsam nutzen.",
        ),
    ),
    "ki": (
        (
            "Sprachmodelle im Mittelstand",
            "Welche Aufgaben können Sprachmodelle in kleinen Unternehmen übernehmen, und wo sind die Grenzen?",
        ),
        (
            "KI in der Kundenkommunikation",
            "Chatbots, automatische Zusammenfassungen, Übersetzungen: Beispiele aus Betrieben der Region.",
        ),
        (
            "Machine Learning für Einsteiger:innen",
            "Ein praktischer Einstieg ins maschinelle Lernen mit frei verfügbaren Werkzeugen und eigenen Daten.",
        ),
        (
            "KI-Bildanalyse in der Qualitätskontrolle",
            "Kameras und neuronale Netze erkennen Fehler in der Produktion, bevor sie teuer werden.",
        ),
        (
            "KI in der Verwaltung",
            "Wie Kommunen KI für Anträge, Bürgeranfragen und interne Abläufe erproben.",
        ),
    ),
    "daten": (
        (
            "Open Data in der Kommune",
            "Offene Daten machen Verwaltungshandeln nachvollziehbar und ermöglichen neue Anwendungen.",
        ),
        (
            "Datenschutz für Vereine und kleine Betriebe",
            "Was müssen Vereine und kleine Betriebe beim Datenschutz wirklich beachten? Ein Überblick ohne "
            "Juristendeutsch.",
        ),
        (
            "Dashboards mit offenen Daten",
            "Aus Tabellen werden Karten und Diagramme: Wir bauen gemeinsam ein Dashboard mit offenen Daten "
            "aus Mecklenburg-Vorpommern.",
        ),
        (
            "Datenräume für den Mittelstand",
            "Unternehmen teilen Daten, ohne die Kontrolle darüber zu verlieren. Wie Datenräume funktionieren "
            "und wer sie schon nutzt.",
        ),
        (
            "Datenanalyse mit Python",
            "Ein Einstieg in die Datenanalyse mit Python, von der Tabelle bis zur Grafik.",
        ),
    ),
    "industrie": (
        (
            "Industrie 4.0 im Metallbau",
            "Vernetzte Maschinen und digitale Auftragsabwicklung: Ein Metallbaubetrieb zeigt seinen Weg.",
        ),
        (
            "3D-Druck für Ersatzteile",
            "Wenn das Ersatzteil nicht mehr lieferbar ist, kann der 3D-Drucker helfen. Ein Praxisabend mit Beispielen.",
        ),
        (
            "Robotik in der Fertigung",
            "Kollaborative Roboter übernehmen monotone Handgriffe. Was kostet der Einstieg für kleine Betriebe?",
        ),
        (
            "Einführung in Lasercutter und CNC-Fräse",
            "Nach der Einweisung dürfen Teilnehmende die Maschinen in der Werkstatt selbstständig nutzen.",
        ),
        (
            "Vorausschauende Wartung mit Sensordaten",
            "Sensoren an Pumpen und Motoren melden Verschleiß, bevor die Maschine ausfällt.",
        ),
    ),
    "landwirtschaft": (
        (
            "Smart Farming mit Funksensoren",
            "Funksensoren messen Bodenfeuchte und Temperatur, die Daten landen direkt auf dem Smartphone der "
            "Landwirt:innen.",
        ),
        (
            "Drohnen im Ackerbau",
            "Drohnen kartieren Schäden, zählen Pflanzen und helfen bei der gezielten Düngung.",
        ),
        (
            "Digitale Direktvermarktung",
            "Hofläden und Erzeuger:innen verkaufen im Netz. Welche Plattformen passen zu kleinen Betrieben?",
        ),
        (
            "Agrardaten gemeinsam nutzen",
            "Betriebe, Lohnunternehmen und Forschung wollen Daten teilen. Wer darf was, und wie klappt die Technik?",
        ),
        (
            "Satellitendaten für die Landwirtschaft",
            "Frei verfügbare Satellitenbilder zeigen den Zustand der Felder. Ein Einstieg für Praktiker:innen.",
        ),
    ),
    "maritime-wirtschaft": (
        (
            "Digitaler Zwilling für Werft und Hafen",
            "Sensordaten, 3D-Scans und Schiffsbewegungen laufen in einem digitalen Modell der Hafenanlagen zusammen.",
        ),
        (
            "Unterwasserdrohnen für die Hafeninspektion",
            "Ferngesteuerte Drohnen prüfen Kaimauern und Schiffsrümpfe, ohne dass jemand tauchen muss.",
        ),
        (
            "Offshore-Logistik für Windparks",
            "Schiffe, Lager und Wetterdaten: Wie die Versorgung von Offshore-Windparks digital geplant wird.",
        ),
        (
            "Autonome Schifffahrt auf der Ostsee",
            "Forschung und Werften arbeiten an Schiffen, die Teile der Fahrt selbst übernehmen.",
        ),
        (
            "Fachkräfte für die Werften",
            "Werften suchen Fachkräfte für die digitale Fertigung. Betriebe und Hochschulen stellen Wege in "
            "den Beruf vor.",
        ),
    ),
    "gruendung": (
        (
            "Vom Prototyp zur GmbH",
            "Ihr habt einen Prototyp gebaut und überlegt, daraus ein Unternehmen zu machen? Wir beantworten "
            "Fragen zu Rechtsform und ersten Kund:innen.",
        ),
        (
            "Fördermittel für Start-ups",
            "Welche Förderprogramme von Land und Bund passen zu jungen Unternehmen, und wie gelingt ein guter Antrag?",
        ),
        (
            "Pitch-Training",
            "In wenigen Minuten überzeugen: Gründer:innen üben ihren Pitch und bekommen direktes Feedback.",
        ),
        (
            "Finanzierung für Gründerinnen",
            "Gründerinnen berichten, wie sie ihre erste Finanzierung gefunden haben.",
        ),
        (
            "Businessplan kompakt",
            "Vom Geschäftsmodell bis zur Liquiditätsplanung: Das Wichtigste zum Businessplan an einem Nachmittag.",
        ),
    ),
}


@dataclass(frozen=True)
class _Format:
    name: str  # title word and category
    schema_type: str
    weight: int
    slots: tuple[tuple[int, int, int], ...]  # (hour, minute, duration in minutes), Berlin wall clock
    speakers: tuple[int, int]  # how many speakers, min and max
    sentence: str
    all_day: bool = False
    two_days: bool = False
    online: bool = False


_FORMATS: tuple[_Format, ...] = (
    _Format(
        "Workshop",
        "EducationEvent",
        18,
        ((9, 0, 360), (10, 0, 240), (14, 0, 180), (16, 0, 180), (17, 0, 150)),
        (1, 2),
        "Bitte bringt einen Laptop mit; die Plätze sind begrenzt.",
    ),
    _Format(
        "Vortrag",
        "EducationEvent",
        16,
        ((18, 0, 90), (18, 30, 90), (19, 0, 120), (17, 30, 90)),
        (1, 2),
        "Im Anschluss ist Zeit für Fragen und Gespräche.",
    ),
    _Format(
        "Netzwerkabend",
        "SocialEvent",
        10,
        ((17, 0, 180), (18, 0, 180), (18, 30, 150)),
        (0, 1),
        "Getränke und kleine Snacks gehen aufs Haus.",
    ),
    _Format(
        "Stammtisch",
        "SocialEvent",
        8,
        ((18, 0, 150), (19, 0, 120)),
        (0, 1),
        "Der Stammtisch ist offen für alle; eine Anmeldung hilft bei der Planung.",
    ),
    _Format(
        "Sprechstunde",
        "BusinessEvent",
        10,
        ((9, 0, 180), (10, 0, 120), (14, 0, 180), (16, 0, 120)),
        (1, 1),
        "Einzelgespräche à 30 Minuten; bitte vorher einen Termin buchen.",
    ),
    _Format(
        "Infoabend",
        "Event",
        7,
        ((17, 0, 120), (18, 0, 120)),
        (1, 2),
        "Wir stellen das Vorhaben vor und sammeln Fragen und Ideen.",
    ),
    _Format(
        "Webinar",
        "EducationEvent",
        9,
        ((10, 0, 60), (12, 0, 60), (16, 0, 90), (18, 0, 90)),
        (1, 2),
        "Der Zugangslink wird nach der Anmeldung verschickt.",
        online=True,
    ),
    _Format(
        "Fachtag",
        "BusinessEvent",
        5,
        ((0, 0, 0),),
        (2, 4),
        "Mit Fachvorträgen, Ausstellung und viel Zeit zum Netzwerken.",
        all_day=True,
    ),
    _Format(
        "Barcamp",
        "Event",
        4,
        ((9, 30, 450),),
        (0, 1),
        "Die Sessions werden vor Ort gemeinsam geplant.",
    ),
    _Format(
        "Hackathon",
        "Event",
        3,
        ((9, 0, 0),),
        (1, 2),
        "Gemischte Teams entwickeln Prototypen und stellen sie am Ende einer Jury vor.",
        two_days=True,
    ),
    _Format(
        "Exkursion",
        "Event",
        4,
        ((9, 0, 300), (13, 0, 240)),
        (1, 1),
        "Die Anreise erfolgt individuell; festes Schuhwerk wird empfohlen.",
    ),
    _Format(
        "Business-Frühstück",
        "SocialEvent",
        5,
        ((8, 0, 120), (8, 30, 120)),
        (1, 1),
        "Frühstück, Austausch und ein kurzer Impuls zum Einstieg.",
    ),
)

_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_WEEKDAYS_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)

# --- the shared pool of organisations, people and projects --------------------------------------

_SR, _NB, _HRO, _HGW, _SN, _WI = (
    "makerport-stralsund",
    "diz-neubrandenburg",
    "diz-rostock",
    "diz-greifswald",
    "diz-schwerin",
    "innovationport-wismar",
)

# Hand-made organisations: (name, kind, home, {other centre: its spelling}). The spellings are
# what entity resolution has to see through; the rest of the pool is generated.
_CORE_ORGS: tuple[tuple[str, ActorKind, str, dict[str, str]], ...] = (
    ("Universität Rostock", ActorKind.UNIVERSITY, _HRO, {_WI: "Uni Rostock", _SN: "Universitaet Rostock"}),
    ("Universität Greifswald", ActorKind.UNIVERSITY, _HGW, {_SR: "Uni Greifswald"}),
    ("Hochschule Wismar", ActorKind.UNIVERSITY, _WI, {_HRO: "HS Wismar", _SN: "Hochschule Wismar (HSW)"}),
    ("Hochschule Stralsund", ActorKind.UNIVERSITY, _SR, {_HGW: "HS Stralsund"}),
    ("Hochschule Neubrandenburg", ActorKind.UNIVERSITY, _NB, {_HGW: "HS Neubrandenburg"}),
    ("Sonnenwerk Nord GmbH", ActorKind.COMPANY, _NB, {_HGW: "Sonnenwerk Nord", _SR: "SONNENWERK NORD GmbH"}),
    ("Küstenstrom GmbH", ActorKind.COMPANY, _HRO, {_HGW: "Kuestenstrom GmbH"}),
    ("Boddenblick Software GmbH", ActorKind.COMPANY, _HGW, {_HRO: "boddenblick software"}),
    (
        "Hafenlicht Robotics GmbH",
        ActorKind.STARTUP,
        _WI,
        {_HRO: "HafenLicht Robotics", _SR: "Hafenlicht Robotics"},
    ),
    ("MediNord Telemedizin GmbH", ActorKind.COMPANY, _HGW, {_SN: "Medinord Telemedizin"}),
    (
        "AckerWerk Digital UG (haftungsbeschränkt)",
        ActorKind.STARTUP,
        _NB,
        {_HGW: "AckerWerk Digital", _SN: "Ackerwerk Digital UG"},
    ),
    ("Gründerwerft MV e.V.", ActorKind.ASSOCIATION, _HRO, {_WI: "Gründerwerft MV", _SR: "Gruenderwerft MV e.V."}),
    ("Industrie- und Handelskammer zu Rostock", ActorKind.PUBLIC_BODY, _HRO, {_WI: "IHK zu Rostock"}),
    ("Handwerkskammer Schwerin", ActorKind.PUBLIC_BODY, _SN, {_WI: "HWK Schwerin"}),
    ("Landkreis Vorpommern-Greifswald", ActorKind.PUBLIC_BODY, _HGW, {_NB: "LK Vorpommern-Greifswald"}),
    (
        "Digitalisierungsministerium Mecklenburg-Vorpommern",
        ActorKind.PUBLIC_BODY,
        _SN,
        {_HRO: "Digitalisierungsministerium MV", _HGW: "Digitalisierungsministerium M-V"},
    ),
    ("Warnow Data Labs GmbH", ActorKind.STARTUP, _HRO, {_SN: "Warnow Data Labs"}),
    ("Offene Daten Schwerin e.V.", ActorKind.ASSOCIATION, _SN, {_HRO: "Offene Daten Schwerin"}),
    ("Ostseeherz Tourismus GmbH", ActorKind.COMPANY, _SR, {_HGW: "Ostseeherz Tourismus"}),
    ("Müritz Wohnbau eG", ActorKind.COMPANY, _NB, {_HRO: "Mueritz Wohnbau eG"}),
    # Only in one centre each; several look like each other (see _LOOKALIKES).
    ("Stadtwerke Rostock AG", ActorKind.COMPANY, _HRO, {}),
    ("Stadtwerke Greifswald GmbH", ActorKind.COMPANY, _HGW, {}),
    ("Stadtwerke Stralsund GmbH", ActorKind.COMPANY, _SR, {}),
    ("IHK zu Schwerin", ActorKind.PUBLIC_BODY, _SN, {}),
    ("IHK Neubrandenburg", ActorKind.PUBLIC_BODY, _NB, {}),
    ("Hansestadt Rostock", ActorKind.PUBLIC_BODY, _HRO, {}),
    ("Landkreis Rostock", ActorKind.PUBLIC_BODY, _HRO, {}),
    ("Hansestadt Wismar", ActorKind.PUBLIC_BODY, _WI, {}),
    ("Landeshauptstadt Schwerin", ActorKind.PUBLIC_BODY, _SN, {}),
    ("Nordlicht Solar GmbH", ActorKind.COMPANY, _SR, {}),
    ("Nordlicht Software GmbH", ActorKind.COMPANY, _SN, {}),
    ("Seenplatte Digital e.V.", ActorKind.ASSOCIATION, _NB, {}),
    ("Umweltnetzwerk Strelasund e.V.", ActorKind.ASSOCIATION, _SR, {}),
    ("Pflegenetz Westmecklenburg eG", ActorKind.ASSOCIATION, _SN, {}),
    ("Metallbau Krüger GmbH", ActorKind.COMPANY, _WI, {}),
    ("Baltic Hydrogen Solutions GmbH", ActorKind.STARTUP, _HRO, {}),
    ("Tollense Lab UG (haftungsbeschränkt)", ActorKind.STARTUP, _NB, {}),
    ("Greif MedTech GmbH", ActorKind.STARTUP, _HGW, {}),
)
#: Different organisations whose names look alike: resolution must keep them apart.
_LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("Stadtwerke Rostock AG", "Stadtwerke Greifswald GmbH"),
    ("Stadtwerke Greifswald GmbH", "Stadtwerke Stralsund GmbH"),
    ("Hochschule Wismar", "Hochschule Stralsund"),
    ("Universität Rostock", "Universität Greifswald"),
    ("Industrie- und Handelskammer zu Rostock", "IHK zu Schwerin"),
    ("Hansestadt Rostock", "Landkreis Rostock"),
    ("Nordlicht Solar GmbH", "Nordlicht Software GmbH"),
)

# Recurring projects: (name, themes, {centre: its spelling}); the first centre is the home.
_CORE_PROJECTS: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    (
        "KI-Kompass MV",
        ("ki", "bildung"),
        {_HRO: "KI-Kompass MV", _SN: "KI-Kompass Mecklenburg-Vorpommern", _HGW: "KI-Kompass MV", _WI: "KI Kompass MV"},
    ),
    (
        "Ostsee-Shuttle",
        ("mobilitaet", "tourismus"),
        {_HGW: "Ostsee-Shuttle", _SR: "Ostsee Shuttle", _HRO: "OstseeShuttle"},
    ),
    (
        "TeleMed Vorpommern",
        ("gesundheit",),
        {_HGW: "TeleMed Vorpommern", _SN: "Telemed-Vorpommern", _NB: "TeleMed Vorpommern"},
    ),
    (
        "Landpuls",
        ("landwirtschaft", "daten"),
        {_NB: "Landpuls", _HGW: "Landpuls – Digitale Landwirtschaft MV", _SN: "LandPuls"},
    ),
    (
        "Energiequartiere MV",
        ("energie", "wohnen"),
        {_HRO: "Energiequartiere MV", _HGW: "EnergieQuartiere MV", _NB: "Energiequartiere MV"},
    ),
    (
        "Werftcampus Digital",
        ("maritime-wirtschaft", "industrie"),
        {_WI: "Werftcampus Digital", _HRO: "WerftCampus digital", _SR: "Werftcampus Digital"},
    ),
    (
        "Gründungslotsen MV",
        ("gruendung",),
        {_HRO: "Gründungslotsen MV", _WI: "Gründungslotsen MV", _SR: "Gruendungslotsen MV"},
    ),
    ("Datenraum Kommune", ("daten",), {_SN: "Datenraum Kommune", _HRO: "Datenraum Kommune MV"}),
    ("Küstenlabor Tourismus", ("tourismus",), {_SR: "Küstenlabor Tourismus", _HGW: "Kuestenlabor Tourismus"}),
    ("MINT-Mobil MV", ("bildung",), {_NB: "MINT-Mobil MV", _SR: "MINT Mobil MV", _SN: "MINT-Mobil MV"}),
)

_PREFIXES = (
    "Ostsee", "Hanse", "Küsten", "Bodden", "Nord", "Haff", "Müritz", "Rügen", "Seen", "Peene", "Warnow",
    "Greif", "Möwen", "Leuchtturm", "Backstein", "Dünen", "Kranich", "Strand", "Wellen", "Seeadler", "Elde",
    "Tollense", "Darß", "Usedom", "Förde", "Bernstein", "Sund", "Kogge", "Reet", "Achter", "Lotsen", "Zander",
)  # fmt: skip
_STEMS = (
    "werk", "data", "soft", "tec", "kraft", "byte", "labs", "logik", "bits", "sense", "wind", "licht", "net",
    "code", "form", "systems", "robotics", "works", "energie", "hub", "cloud", "plan", "bau", "med", "agrar",
)  # fmt: skip
_TRADES = (
    "Software", "Systemhaus", "IT-Service", "Ingenieurbüro", "Elektrotechnik", "Medientechnik", "Solartechnik",
    "Logistik", "Consulting", "Automation", "Messtechnik", "Metallbau", "Planungsbüro", "Agrarservice",
    "Reederei", "Pflegedienst", "Tischlerei", "Bootsbau",
)  # fmt: skip
_LEGAL_FORMS = ("GmbH", "GmbH", "GmbH", "GmbH", "UG (haftungsbeschränkt)", "GmbH & Co. KG", "AG", "eG", "KG")
_ASSOCIATIONS = (
    "Digitalnetzwerk", "Förderverein Technik", "Makerspace", "Unternehmerverband", "Frauen in MINT",
    "Open-Source-Verein", "Landfrauen digital", "Seniorennetz", "Gründungsnetzwerk", "Kulturverein",
)  # fmt: skip
_RESEARCH = (
    "Institut für Küstentechnik", "Institut für angewandte Datenwissenschaft", "Forschungszentrum Digitale Gesundheit",
    "Institut für ländliche Räume", "Forschungsstelle Maritime Systeme", "Institut für Energiesysteme",
    "Zentrum für Mensch-Technik-Interaktion",
)  # fmt: skip
_FIRST_NAMES = (
    "Anna", "Lena", "Friederike", "Henrike", "Katrin", "Sabine", "Jana", "Maike", "Ole", "Jens", "Malte",
    "Henrik", "Torben", "Jan", "Lars", "Sönke", "Björn", "Aylin", "Mirela", "Elif", "Tomasz", "Agnieszka",
    "Paul", "Marie", "Johanna", "Greta", "Till", "Fiete", "Hannes", "Merle", "Ida", "Jonas", "Nils", "Frauke",
    "Ute", "Dirk", "Kerstin", "Anke", "Carsten", "Sven", "Birte", "Imke", "Wiebke", "Kai", "Lea", "Mats",
    "Jule", "Enno", "Tjark", "Nadine", "Yusuf", "Olga", "Dmitri", "Giulia", "Rasmus", "Sophie", "Hanna",
    "Ronja", "Bente", "Jörn", "Gesa", "Thorsten", "Mareike", "Lütje", "Søren",
)  # fmt: skip
_COMPOUND_FIRST_NAMES = (
    "Anna-Lena", "Jan-Hendrik", "Marie-Luise", "Hans-Jürgen", "Eva-Maria", "Lisa-Marie", "Jan-Ole", "Lars-Erik",
    "Ann-Kathrin", "Jan-Philipp", "Karl-Heinz", "Anne-Sophie",
)  # fmt: skip
_SURNAMES = (
    "Lüdemann", "Saß", "Petersen", "Krüger", "Oldörp", "Behnke", "Voß", "Demirtaş", "Stanciu", "Wollenberg",
    "Kroll", "Möller", "Jürgensen", "Schröder", "Brüning", "Hansen", "Thomsen", "Rehberg", "Köhler", "Wendt",
    "Dahl", "Holst", "Rieck", "Lübcke", "Bärwald", "Ehlers", "Fründt", "Grünwald", "Hückstädt", "Jöhnk",
    "Kühl", "Lüth", "Mählmann", "Nöbel", "Plötz", "Röpke", "Schüler", "Tönnies", "Utecht", "Völz", "Wöhlk",
    "Zühlke", "Berndt", "Dreyer", "Fiedler", "Gerdes", "Haase", "Iwanowski", "Janßen", "Kowalski",
    "Lindqvist", "Nowak", "Ohlsen", "Pagel", "Quandt", "Rasch", "Stöckmann", "Tiedemann", "Ullrich",
    "Vierck", "Westphal", "Brandt", "Kähler", "Maaß", "Sievers", "Timm", "Wulff", "Ahrens", "Bräuer",
)  # fmt: skip

_JOBS = (
    "Geschäftsführung", "Projektleitung", "Softwareentwicklung", "Wissenschaftliche Mitarbeit", "Gründungsteam",
    "Referat Digitalisierung", "Innovationsmanagement", "Vertrieb", "Datenanalyse", "Technische Leitung",
)  # fmt: skip
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_LEGAL_SUFFIX = re.compile(r"\s+(?:GmbH & Co\. KG|gGmbH|GmbH|UG \(haftungsbeschränkt\)|UG|AG|eG|KG|e\.\s?V\.)$")
_ABBREVIATIONS = (
    ("Universität ", "Uni "),
    ("Hochschule ", "HS "),
    ("Industrie- und Handelskammer", "IHK"),
    ("Handwerkskammer ", "HWK "),
    ("Landkreis ", "LK "),
    ("Mecklenburg-Vorpommern", "MV"),
    ("Institut für ", "Inst. f. "),
)


#: Public bodies are also written by the name of their administration.
_LONGER = (("Stadt ", "Stadtverwaltung "), ("Amt ", "Amtsverwaltung "), ("Gemeinde ", "Gemeindeverwaltung "))


def _strip_legal(name: str) -> str:
    return _LEGAL_SUFFIX.sub("", name)


def _spelling_variants(name: str) -> list[str]:
    """Other ways editors write ``name``: legal form dropped, abbreviated, ae/oe/ue, case changed."""
    variants: list[str] = []
    bare = _strip_legal(name)
    if bare != name:
        variants.append(bare)
    variants += [name.replace(long, short) for long, short in _ABBREVIATIONS if long in name]
    if name.translate(_UMLAUTS) != name:
        variants.append(name.translate(_UMLAUTS))
        if bare != name:
            variants.append(bare.translate(_UMLAUTS))
    first, _, rest = bare.partition(" ")
    if any(ch.isupper() for ch in first[1:]):  # CamelCase brand: "HafenLicht" -> "Hafenlicht"
        variants.append(f"{first[0]}{first[1:].lower()} {rest}".strip() + name[len(bare) :])
    variants += [name.replace(long, short) for long, short in _LONGER if name.startswith(long)]
    if "-" in bare:
        variants.append(name.replace("-", " "))
    if not variants:  # nothing else to vary: case, as in "boddenblick software"
        variants.append(bare.lower())
    return list(dict.fromkeys(v for v in variants if v != name))


def _person_variants(title: str, first: str, last: str) -> list[str]:
    """ "Dr. Friederike Lüdemann", "Friederike Lüdemann", "Dr. F. Luedemann", "F. Lüdemann", …"""
    plain = f"{first} {last}"
    variants = [plain, f"{first[0]}. {last}", plain.translate(_UMLAUTS)]
    if title:
        variants += [f"{title} {first[0]}. {last}".translate(_UMLAUTS), f"{title} {first[0]}. {last}"]
    full = f"{title} {plain}".strip()
    return list(dict.fromkeys(v for v in variants if v != full))


@dataclass(eq=False)
class _Actor:
    key: str
    name: str  # canonical spelling (the home centre's)
    kind: ActorKind
    home: str
    domain: str  # web domain under .example
    spellings: dict[str, str] = field(default_factory=dict)  # other centres' spellings
    email: str = ""
    title: str = ""  # people: "Dr.", "Prof. Dr."
    affiliation: _Actor | None = None
    job: str = ""

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.PERSON

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"

    @property
    def spaces(self) -> list[str]:
        return [self.home, *self.spellings]

    def name_in(self, centre: str) -> str:
        return self.spellings.get(centre, self.name)


@dataclass(eq=False)
class _Project:
    name: str
    themes: tuple[str, ...]
    spellings: dict[str, str]  # centre -> spelling; the centres it runs in

    def name_in(self, centre: str) -> str:
        return self.spellings.get(centre, self.name)

    @property
    def hashtag(self) -> str:
        return "#" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[\s–-]+", self.name) if part)


class _Mention(NamedTuple):
    actor: _Actor
    name: str  # as this centre writes it


class _Pool:
    """The actors and projects one centre draws from, with heavy-tailed weights."""

    def __init__(self, rng: Random, orgs: list[_Actor], people: list[_Actor], projects: list[_Project]) -> None:
        rng.shuffle(orgs)
        rng.shuffle(people)
        self.orgs, self.org_weights = orgs, _zipf(len(orgs))
        self.people, self.people_weights = people, _zipf(len(people))
        sponsors = [o for o in orgs if o.kind in (ActorKind.COMPANY, ActorKind.PUBLIC_BODY)] or orgs
        self.sponsors, self.sponsor_weights = sponsors, _zipf(len(sponsors))
        self.projects = projects
        # Every cross-centre actor and project shows up at least once in each of its centres.
        self.required: deque[_Actor] = deque(a for a in [*orgs, *people] if len(a.spaces) > 1 or a.key in _CORE_KEYS)
        self.required_projects: deque[_Project] = deque(projects)


def _zipf(count: int) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(count)))


_CORE_KEYS = frozenset(fold(_strip_legal(name)) for name, *_ in _CORE_ORGS)


class _Network:
    """The shared pool: organisations, people and projects, each with its centres and spellings."""

    def __init__(self, seed: int, events: int) -> None:
        self.rng = Random(f"demo-feeds:{seed}:network")
        self._keys: set[str] = set()
        self.centres: dict[str, _Actor] = {}
        self.orgs: list[_Actor] = []
        self.people: list[_Actor] = []
        self.staff: dict[str, list[_Actor]] = {}
        for centre in _CENTRES:
            actor = _Actor(fold(centre.name), centre.name, ActorKind.ORGANISATION, centre.id, centre.host[4:])
            actor.email = centre.email
            self.centres[centre.id] = actor
            self._keys.add(actor.key)
        self._core_orgs()
        self._generated_orgs(max(len(_CORE_ORGS), events // 6))
        self._people(max(40, events // 5))
        self.projects = self._projects(max(len(_CORE_PROJECTS), events // 250))

    # organisations

    def _add_org(self, name: str, kind: ActorKind, home: str) -> _Actor | None:
        key = fold(_strip_legal(name))
        if key in self._keys:
            return None
        self._keys.add(key)
        domain = slugify(_strip_legal(name), 40) + ".example"
        actor = _Actor(key, name, kind, home, domain, email=f"info@{domain}")
        self.orgs.append(actor)
        return actor

    def _core_orgs(self) -> None:
        for name, kind, home, spellings in _CORE_ORGS:
            actor = self._add_org(name, kind, home)
            assert actor is not None
            actor.spellings = dict(spellings)

    def _generated_orgs(self, total: int) -> None:
        rng = self.rng
        weights = [centre.weight for centre in _CENTRES]
        attempts = 0
        while len(self.orgs) < total and attempts < total * 20:
            attempts += 1
            home = rng.choices(_CENTRES, weights)[0]
            kind = rng.choices(
                (
                    ActorKind.COMPANY,
                    ActorKind.STARTUP,
                    ActorKind.ASSOCIATION,
                    ActorKind.PUBLIC_BODY,
                    ActorKind.RESEARCH,
                ),
                (40, 25, 13, 12, 10),
            )[0]
            self._add_org(self._org_name(kind, home), kind, home.id)
        # ~20 % of all organisations are active in 2-3 centres, each spelling them its own way.
        core_cross = sum(1 for org in self.orgs if org.spellings)
        generated = [org for org in self.orgs if org.key not in _CORE_KEYS]
        wanted = max(0, round(0.2 * len(self.orgs)) - core_cross)
        for org in rng.sample(generated, min(wanted, len(generated))):
            others = [c.id for c in _CENTRES if c.id != org.home]
            variants = _spelling_variants(org.name)
            rng.shuffle(variants)
            for index, centre in enumerate(rng.sample(others, rng.choice((1, 1, 2)))):
                org.spellings[centre] = variants[index % len(variants)]

    def _org_name(self, kind: ActorKind, home: _Centre) -> str:
        rng = self.rng
        town = rng.choice(home.towns)
        prefix, stem = rng.choice(_PREFIXES), rng.choice(_STEMS)
        if kind is ActorKind.STARTUP:
            brand = prefix + (stem.capitalize() if rng.random() < 0.6 else stem)
            return f"{brand} {rng.choice(('GmbH', 'GmbH', 'UG (haftungsbeschränkt)'))}"
        if kind is ActorKind.ASSOCIATION:
            region = rng.choice((town, "Vorpommern", "Westmecklenburg", "Mecklenburgische Seenplatte", "Rügen"))
            return f"{rng.choice(_ASSOCIATIONS)} {region} e.V."
        if kind is ActorKind.PUBLIC_BODY:
            pattern = rng.choice(("Stadt {t}", "Amt {t}-Land", "Wirtschaftsförderung {t}", "Stadtwerke {t} GmbH"))
            return pattern.format(t=town)
        if kind is ActorKind.RESEARCH:
            return f"{rng.choice(_RESEARCH)} {town}"
        shape = rng.random()
        legal = rng.choice(_LEGAL_FORMS)
        if shape < 0.25:
            return f"{prefix}{stem} {legal}"
        if shape < 0.5:
            return f"{rng.choice(_TRADES)} {rng.choice(_SURNAMES)} {legal}"
        if shape < 0.65:
            return f"{prefix} {rng.choice(_TRADES)} {legal}"
        if shape < 0.85:
            return f"{prefix}{stem} {rng.choice(_TRADES)} {legal}"
        return f"{rng.choice(_SURNAMES)} & {rng.choice(_SURNAMES)} {legal}"

    # people

    def _people(self, total: int) -> None:
        rng = self.rng
        employers = [o for o in self.orgs if o.kind is not ActorKind.PUBLIC_BODY] or self.orgs
        for centre in _CENTRES:
            self.staff[centre.id] = [
                p for p in (self._person(self.centres[centre.id], "Projektmanagement") for _ in range(3)) if p
            ]
        attempts = 0
        while len(self.people) < total and attempts < total * 20:
            attempts += 1
            employer = rng.choice(employers)
            person = self._person(employer, "")
            if person is None:
                continue
            self.people.append(person)
            if rng.random() < (0.5 if employer.spellings else 0.12):
                others = [c.id for c in _CENTRES if c.id != person.home]
                variants = _person_variants(person.title, *person.key.split("|"))
                for index, centre in enumerate(rng.sample(others, rng.choice((1, 1, 2)))):
                    person.spellings[centre] = variants[index % len(variants)]

    def _person(self, employer: _Actor, job: str) -> _Actor | None:
        rng = self.rng
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_SURNAMES)
        if rng.random() < 0.1:  # a large pool needs more names than the lists give
            first = rng.choice(_COMPOUND_FIRST_NAMES)
        if rng.random() < 0.15:
            last = f"{last}-{rng.choice(_SURNAMES)}"
        key = f"{first}|{last}"
        if fold(f"{first} {last}") in self._keys:
            return None
        self._keys.add(fold(f"{first} {last}"))
        academic = employer.kind in (ActorKind.UNIVERSITY, ActorKind.RESEARCH)
        roll = rng.random()
        title = ""
        if roll < (0.25 if academic else 0.03):
            title = "Prof. Dr."
        elif roll < (0.6 if academic else 0.12):
            title = rng.choice(("Dr.", "Dr.", "Dr.-Ing.", "Dr. med."))
        name = f"{title} {first} {last}".strip()
        local = fold(f"{first[0]} {last}").replace(" ", ".")
        person = _Actor(key, name, ActorKind.PERSON, employer.home, employer.domain, title=title)
        person.email = f"{local}@{employer.domain}"
        person.affiliation = employer
        person.job = job or rng.choice(_JOBS)
        return person

    # projects

    def _projects(self, total: int) -> list[_Project]:
        rng = self.rng
        projects = [_Project(name, themes, dict(spellings)) for name, themes, spellings in _CORE_PROJECTS]
        names = {fold(p.name) for p in projects}
        attempts = 0
        while len(projects) < total and attempts < total * 20:
            attempts += 1
            theme = rng.choice(list(THEME_WORDS))
            centre = rng.choices(_CENTRES, [c.weight for c in _CENTRES])[0]
            word = rng.choice(THEME_WORDS[theme][1:] or THEME_WORDS[theme])
            kind = rng.choice(("Reallabor", "Modellregion", "Zukunftswerkstatt", "Netzwerk"))
            name = f"{kind} {word} {rng.choice(centre.towns)}"
            if fold(name) in names:
                continue
            names.add(fold(name))
            spellings = {centre.id: name}
            if rng.random() < 0.5:
                other = rng.choice([c.id for c in _CENTRES if c.id != centre.id])
                spellings[other] = name.translate(_UMLAUTS) if name.translate(_UMLAUTS) != name else name.lower()
            projects.append(_Project(name, (theme,), spellings))
        return projects

    def pool(self, centre: str, rng: Random) -> _Pool:
        orgs = [o for o in self.orgs if centre in o.spaces]
        people = [p for p in self.people if centre in p.spaces]
        projects = [p for p in self.projects if centre in p.spellings]
        return _Pool(rng, orgs, people, projects)


# --- events -------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Event:
    centre: _Centre
    number: int
    title: str
    slug: str
    topic: str
    themes: list[str]
    format: _Format
    start: datetime  # Berlin
    end: datetime  # Berlin; all-day: the midnight after the last day
    all_day: bool
    status: str  # scheduled, cancelled, changed, tentative
    online: bool
    venue: _Venue | None
    organisers: list[_Mention]
    speakers: list[_Mention]
    partners: list[_Mention]
    sponsors: list[_Mention]
    project: _Project | None
    paragraphs: list[str]
    categories: list[str]  # theme words, then the format
    keywords: list[str]
    cost: str
    created: datetime  # UTC
    modified: datetime  # UTC
    previous_start: datetime | None = None
    series: tuple[datetime, int, datetime] | None = None  # (UNTIL, occurrences kept, EXDATE)

    @property
    def url(self) -> str:
        return f"{self.centre.site}/veranstaltung/{self.slug}/"

    @property
    def project_name(self) -> str:
        return self.project.name_in(self.centre.id) if self.project else ""

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date() if self.all_day else self.end.date()


class _Planner:
    """Plans one centre's events: when, what, who, where."""

    def __init__(self, network: _Network, centre: _Centre, seed: int, first: date, stop: date, now: datetime):
        self.network = network
        self.centre = centre
        self.rng = Random(f"demo-feeds:{seed}:{centre.id}")
        self.pool = network.pool(centre.id, self.rng)
        self.first, self.stop, self.now = first, stop, now
        self.days = max(1, (stop - first).days)
        self.slugs: Counter[str] = Counter()
        self.usage: dict[str, dict[str, str]] = {}
        themes = list(_THEME_WEIGHT)
        self.themes = themes
        self.theme_weights = list(accumulate(_THEME_WEIGHT[t] * centre.theme_bias.get(t, 1.0) for t in themes))
        self.format_weights = list(accumulate(f.weight for f in _FORMATS))
        self.venue_weights = list(accumulate([len(centre.venues) * 1.5] + [1.0] * (len(centre.venues) - 1)))
        self.mixed = 0  # events written with both a place and a virtual location (JSON-LD only)

    # who

    def _mention(self, actor: _Actor) -> _Mention:
        name = actor.name_in(self.centre.id)
        self.usage.setdefault(actor.key, {}).setdefault(self.centre.id, name)
        return _Mention(actor, name)

    def _pick(self, people: bool, sponsor: bool = False) -> _Actor | None:
        pool = self.pool
        population, weights = (
            (pool.people, pool.people_weights)
            if people
            else (pool.sponsors, pool.sponsor_weights)
            if sponsor
            else (pool.orgs, pool.org_weights)
        )
        return self.rng.choices(population, cum_weights=weights)[0] if population else None

    def _cast(self, fmt: _Format) -> tuple[list[_Mention], list[_Mention], list[_Mention], list[_Mention]]:
        rng = self.rng
        centre_actor = self.network.centres[self.centre.id]
        speakers: list[_Actor] = []
        partners: list[_Actor] = []
        for _ in range(rng.randint(*fmt.speakers)):
            person = self._pick(people=True)
            if person and person not in speakers:
                speakers.append(person)
        for _ in range(rng.choices((0, 1, 2), (40, 40, 20))[0]):
            org = self._pick(people=False)
            if org and org not in partners:
                partners.append(org)
        for _ in range(2):  # actors that must appear in this centre's feed, until all have
            if not self.pool.required:
                break
            actor = self.pool.required.popleft()
            bucket = speakers if actor.is_person else partners
            if actor not in bucket:
                bucket.append(actor)
        sponsor = self._pick(people=False, sponsor=True) if rng.random() < 0.15 else None
        sponsors = [sponsor] if sponsor and sponsor not in partners else []
        roll = rng.random()
        if roll < 0.55 or not partners:
            organisers = [centre_actor]
        elif roll < 0.8:
            organisers = [centre_actor, partners.pop(0)]
        else:
            organisers = [partners.pop(0)]
        mention = self._mention
        return (
            [mention(a) for a in organisers],
            [mention(a) for a in speakers],
            [mention(a) for a in partners],
            [mention(a) for a in sponsors],
        )

    # when

    def _when(self, fmt: _Format) -> tuple[datetime, datetime, bool]:
        rng = self.rng
        saturday = fmt.name in ("Hackathon", "Barcamp", "Workshop")  # the only formats also run on Saturdays
        day = _working_day(self.first + timedelta(days=rng.randrange(self.days)), saturday, self.first, self.stop)
        if fmt.two_days and day.weekday() == 4 and not _is_holiday(day + timedelta(days=1)):
            day += timedelta(days=1)  # hackathons like the weekend: Saturday and Sunday
        hour, minute, minutes = rng.choice(fmt.slots)
        if fmt.all_day:
            start = datetime.combine(day, time(0), BERLIN)
            return start, datetime.combine(day + timedelta(days=1), time(0), BERLIN), True
        start = datetime.combine(day, time(hour, minute), BERLIN)
        if fmt.two_days:
            return start, datetime.combine(day + timedelta(days=1), time(17, 0), BERLIN), False
        end = start + timedelta(minutes=minutes)
        return start, end.replace(tzinfo=BERLIN), False

    # what

    def event(self, number: int) -> _Event:
        rng = self.rng
        pool = self.pool
        project = None
        if pool.required_projects:
            project = pool.required_projects.popleft()
        elif pool.projects and rng.random() < 0.2:
            project = rng.choice(pool.projects)
        theme = rng.choice(project.themes) if project else rng.choices(self.themes, cum_weights=self.theme_weights)[0]
        themes = [theme]
        if rng.random() < 0.35:
            second = rng.choices(self.themes, cum_weights=self.theme_weights)[0]
            if second != theme:
                themes.append(second)
        fmt = rng.choices(_FORMATS, cum_weights=self.format_weights)[0]
        online = fmt.online or (not fmt.all_day and not fmt.two_days and rng.random() < 0.04)
        topic, intro = rng.choice(_TOPICS[theme])
        start, end, all_day = self._when(fmt)
        organisers, speakers, partners, sponsors = self._cast(fmt)
        title = self._title(fmt, topic, project, online)
        roll = rng.random()
        status = (
            "cancelled" if roll < 0.04 else "changed" if roll < 0.07 else "tentative" if roll < 0.08 else "scheduled"
        )
        previous = start - timedelta(days=rng.choice((7, 14, 21))) if status == "changed" else None
        venue = None if online else self.centre.venues[self._venue_index()]
        cost = self._cost(fmt)
        words = [rng.choice(THEME_WORDS[t][:2]) if rng.random() < 0.3 else THEME_WORDS[t][0] for t in themes]
        extra = rng.choice(THEME_WORDS[theme][1:]) if rng.random() < 0.5 else ""
        categories = list(dict.fromkeys([*words, *([extra] if extra else []), fmt.name]))
        keywords = list(dict.fromkeys([*words, topic.split()[0]]))
        created = _office_hours(min(start, self.now) - timedelta(days=rng.randint(10, 90)), rng, self.now)
        modified = _office_hours(created + timedelta(days=rng.choice((0, 0, 1, 2, 5, 12))), rng, self.now)
        slug = self._slug(title, start)
        event = _Event(
            self.centre, number, title, slug, topic, themes, fmt, start, end, all_day, status, online, venue,
            organisers, speakers, partners, sponsors, project, [], categories, keywords, cost,
            created, max(modified, created),
            previous,
        )  # fmt: skip
        event.paragraphs = self._paragraphs(event, intro)
        return event

    def _title(self, fmt: _Format, topic: str, project: _Project | None, online: bool) -> str:
        rng = self.rng
        if project and rng.random() < 0.7:
            return f"{project.name_in(self.centre.id)}: {topic}"
        if online and not fmt.online:
            return f"Online-{fmt.name}: {topic}"
        if fmt.name == "Stammtisch":
            return f"Digitalstammtisch {rng.choice(self.centre.towns)}: {topic}"
        roll = rng.random()
        if roll < 0.5:
            return f"{fmt.name}: {topic}"
        if roll < 0.75:
            return f"{topic} – {fmt.name}"
        return topic

    def _slug(self, title: str, start: datetime) -> str:
        base = slugify(title, 60)
        if self.rng.random() < 0.3:
            base = f"{base}-{start:%Y-%m}"
        self.slugs[base] += 1
        count = self.slugs[base]
        return base if count == 1 else f"{base}-{count}"

    def _venue_index(self) -> int:
        return self.rng.choices(range(len(self.centre.venues)), cum_weights=self.venue_weights)[0]

    def _cost(self, fmt: _Format) -> str:
        roll = self.rng.random()
        if fmt.all_day or fmt.name == "Workshop":
            return f"{self.rng.choice((15, 25, 35, 49, 79))} €" if roll < 0.45 else "Kostenlos" if roll < 0.8 else ""
        return "Kostenlos" if roll < 0.45 else "" if roll < 0.9 else f"{self.rng.choice((5, 10, 15))} €"

    def _paragraphs(self, event: _Event, intro: str) -> list[str]:
        rng = self.rng
        paragraphs = [f"{intro} {event.format.sentence}"]
        speakers = [_with_affiliation(m, self) for m in event.speakers]
        if speakers:
            lead = rng.choice(("Es sprechen", "Mit Impulsen von", "Zu Gast sind"))
            if len(speakers) == 1:
                lead = rng.choice(("Es spricht", "Mit einem Impuls von", "Moderation:"))
            paragraphs.append(f"{lead} {_join(speakers)}.")
        others = []
        if event.partners:
            others.append(f"In Zusammenarbeit mit {_join([m.name for m in event.partners])}.")
        if event.sponsors:
            others.append(rng.choice(("Gefördert durch", "Mit freundlicher Unterstützung von")))
            others[-1] += f" {event.sponsors[0].name}."
        if event.project:
            name = event.project_name
            if rng.random() < 0.3:
                others.append(f"Die Veranstaltung gehört zur Reihe {event.project.hashtag}.")
            else:
                others.append(f"Die Veranstaltung ist Teil des Projekts {name}.")
        if others:
            paragraphs.append(" ".join(others))
        closing = (
            "Die Teilnahme ist kostenfrei." if event.cost in ("", "Kostenlos") else f"Teilnahmebeitrag: {event.cost}."
        )
        registration = rng.choice(
            ("Anmeldung erbeten.", "Um Anmeldung wird gebeten.", "Eine Anmeldung ist nicht nötig.")
        )
        paragraphs.append(f"{closing} {registration}")
        if event.status == "cancelled":
            paragraphs.insert(0, "Diese Veranstaltung muss leider entfallen.")
        return paragraphs


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar, the "anonymous" algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _is_holiday(day: date) -> bool:
    """Public holidays in Mecklenburg-Vorpommern, and the quiet days around the turn of the year."""
    if (day.month, day.day) in ((1, 1), (3, 8), (5, 1), (10, 3), (10, 31)):
        return True
    if (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 2):
        return True
    return (day - _easter(day.year)).days in (-2, 1, 39, 50)  # Good Friday, Easter Monday, Ascension, Whit Monday


def _working_day(day: date, saturday: bool, first: date, stop: date) -> date:
    """``day``, or the nearest later (else earlier) day in [first, stop) on which centres hold events."""

    def usable(candidate: date) -> bool:
        weekday_ok = candidate.weekday() < 5 or (saturday and candidate.weekday() == 5)
        return weekday_ok and not _is_holiday(candidate)

    for step in (1, -1):
        candidate = day
        while first <= candidate < stop:
            if usable(candidate):
                return candidate
            candidate += timedelta(days=step)
    return day


def _office_hours(moment: datetime, rng: Random, now: datetime) -> datetime:
    """An editor's timestamp (UTC) on ``moment``'s day between 7 and 18 Uhr Berlin time, never after ``now``."""
    local = datetime.combine(moment.astimezone(BERLIN).date(), time(rng.randint(7, 17), rng.randrange(60)), BERLIN)
    stamp = local.astimezone(UTC)
    return stamp if stamp <= now else now - timedelta(minutes=rng.randint(5, 300))


def _with_affiliation(mention: _Mention, planner: _Planner) -> str:
    affiliation = mention.actor.affiliation
    if affiliation is None or affiliation.kind is ActorKind.ORGANISATION:
        return mention.name
    return f"{mention.name} ({planner._mention(affiliation).name})"


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"


def _series(planner: _Planner, occurrences: int, number: int) -> _Event:
    """MakerPort's weekly "Offene Werkstatt": Thursdays 16-20 Uhr, one week left out (EXDATE)."""
    first = planner.first + timedelta(days=(3 - planner.first.weekday()) % 7)
    start = datetime.combine(first, time(16), BERLIN)
    last = first + timedelta(weeks=occurrences)  # occurrences + 1 dates in the rule, one excluded
    until = datetime.combine(last, time(20), BERLIN).astimezone(UTC)
    dates = [first + timedelta(weeks=week) for week in range(occurrences + 1)]
    christmas = [day for day in dates if day.month == 12 and 24 <= day.day <= 31]
    skipped = christmas[0] if christmas else dates[len(dates) // 2]  # closed for the holidays
    venue = planner.centre.venues[0]
    organiser = planner._mention(planner.network.centres[planner.centre.id])
    staff = (
        planner._mention(planner.network.staff[planner.centre.id][0])
        if planner.network.staff[planner.centre.id]
        else None
    )
    team = f" ({staff.name} und Kolleg:innen)" if staff else ""
    paragraphs = [
        "Jeden Donnerstag öffnet der MakerPort seine Werkstatt für alle: Lasercutter, 3D-Drucker, CNC-Fräse, "
        "Nähmaschinen und Elektronik-Arbeitsplätze stehen bereit. Für die Maschinen ist eine Einweisung durch "
        f"unser Werkstatt-Team{team} Pflicht; Termine dafür gibt es direkt vor Ort.",
        f"Eintritt frei, Material wird nach Verbrauch abgerechnet. Am {_long_date(skipped)} bleibt die Werkstatt "
        "geschlossen.",
    ]
    created = _office_hours(min(start, planner.now) - timedelta(days=30), planner.rng, planner.now)
    return _Event(
        planner.centre, number, "Offene Werkstatt", "offene-werkstatt", "Offene Werkstatt", ["industrie"],
        _FORMATS[0], start, start + timedelta(hours=4), False, "scheduled", False, venue, [organiser], [], [], [],
        None, paragraphs, ["Offene Werkstatt", "Industrie & Produktion", "3D-Druck"], ["3D-Druck", "Maker"],
        "", created, created + timedelta(days=2),
        series=(until, occurrences, datetime.combine(skipped, time(16), BERLIN)),
    )  # fmt: skip


# --- German dates in text ---------------------------------------------------------------------


def _long_date(day: date) -> str:
    return f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"


def _clock(moment: datetime, short: bool = True) -> str:
    return f"{moment.hour}" if short and moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"


def _hhmm(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _visible_date(event: _Event) -> str:
    """What a web page shows: "Dienstag, 20. Januar 2026, 18:00–20:00 Uhr"."""
    day = event.start.date()
    weekday = _WEEKDAYS[day.weekday()]
    if event.all_day:
        return f"{weekday}, {_long_date(day)}, ganztägig"
    if event.end.date() != day:
        return f"{day:%d.%m.}–{event.end:%d.%m.%Y}, {_clock(event.start)}–{_clock(event.end)} Uhr"
    return f"{weekday}, {_long_date(day)}, {_hhmm(event.start)}–{_hhmm(event.end)} Uhr"


def _prose_when(event: _Event, style: int) -> str:
    """The date and time as editors write them into RSS and Atom text (HTML, one line)."""
    start, end, day = event.start, event.end, event.start.date()
    weekday, short = _WEEKDAYS[day.weekday()], _WEEKDAYS_SHORT[day.weekday()]
    if event.end.date() != day and not event.all_day:  # two days: "03.06.–04.06.2026, jeweils 9–17 Uhr"
        return f"<strong>Wann:</strong> {day:%d.%m.}–{end:%d.%m.%Y}, jeweils {_clock(start)}–{_clock(end)} Uhr"
    if event.all_day:
        return (
            f"📅 {short}, {day:%d.%m.%Y} · ganztägig"
            if style == 1
            else f"<strong>Wann:</strong> {weekday}, {_long_date(day)}, ganztägig"
        )
    return (
        f"<strong>Wann:</strong> {weekday}, {_long_date(day)}, {_hhmm(start)} bis {_hhmm(end)} Uhr",
        f"📅 {short}, {day:%d.%m.%Y} · {_clock(start, False)}–{_clock(end, False)} Uhr",
        f"Wir treffen uns am {day:%d.%m.%Y} von {_clock(start)} bis {_clock(end)} Uhr",
        f"Wann: {_long_date(day)}, {_clock(start)} Uhr",
        f"Termin: am {day:%d.%m.%Y} von {_clock(start)} bis {_clock(end)} Uhr",
        f"Darüber sprechen wir am {_long_date(day)} um {_hhmm(start)} Uhr.",
        f"Termin: {day:%d.%m.%Y}, {_clock(start)}–{_clock(end)} Uhr",
    )[style]


def _place_text(event: _Event) -> str:
    return event.venue.full if event.venue else "Online via BigBlueButton"


# --- iCalendar ----------------------------------------------------------------------------------

_PARAGRAPH_BREAK = "\n\n"
_ICAL_TEXT = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def _ical_text(text: str) -> str:
    return text.translate(_ICAL_TEXT)


def _fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 character (but maybe inside an escape)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[bytes] = []
    position, limit = 0, 75
    while len(data) - position > limit:
        cut = position + limit
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        parts.append(data[position:cut])
        position, limit = cut, 74
    parts.append(data[position:])
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def _ical_document(lines: Iterable[str]) -> bytes:
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _param(value: str) -> str:
    """A parameter value as Google writes it: quoted only when it contains , ; or :."""
    value = value.replace('"', "'")
    return f'"{value}"' if any(ch in value for ch in ",;:") else value


def _tec_ical(centre: _Centre, events: list[_Event], now: datetime) -> bytes:
    years = range(
        min(e.start.year for e in events) if events else now.year,
        (max((e.end.year for e in events), default=now.year)) + 2,
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{centre.name} - ECPv6.15.1//NONSGML v1.0//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{centre.name}",
        f"X-ORIGINAL-URL:{centre.site}",
        f"X-WR-CALDESC:Veranstaltungen für {centre.name}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-Robots-Tag:noindex",
        "X-PUBLISHED-TTL:PT1H",
        "BEGIN:VTIMEZONE",
        f"TZID:{TIMEZONE}",
    ]
    for year in years:
        lines += ["BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST"]
        lines += [f"DTSTART:{_last_sunday(year, 3):%Y%m%d}T020000", "END:DAYLIGHT"]
        lines += ["BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET"]
        lines += [f"DTSTART:{_last_sunday(year, 10):%Y%m%d}T030000", "END:STANDARD"]
    lines.append("END:VTIMEZONE")
    post_id = 10_000_400
    for event in events:
        post_id += 3 + event.number % 5
        lines += _tec_vevent(event, post_id)
    lines.append("END:VCALENDAR")
    return _ical_document(lines)


def _tec_vevent(event: _Event, post_id: int) -> list[str]:
    centre = event.centre
    if event.all_day:
        when = [f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}", f"DTEND;VALUE=DATE:{event.end:%Y%m%d}"]
    else:
        when = [
            f"DTSTART;TZID={TIMEZONE}:{event.start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={TIMEZONE}:{event.end:%Y%m%dT%H%M%S}",
        ]
    uid = f"{post_id}-{int(event.start.timestamp())}-{int(event.end.timestamp())}@{centre.host}"
    lines = [
        "BEGIN:VEVENT",
        *when,
        f"DTSTAMP:{_utc_stamp(event.modified)}",
        f"CREATED:{_utc_stamp(event.created)}",
        f"LAST-MODIFIED:{_utc_stamp(event.modified)}",
        f"UID:{uid}",
        f"SUMMARY:{_ical_text(event.title)}",
        f"DESCRIPTION:{_ical_text(_PARAGRAPH_BREAK.join(event.paragraphs))}",
        f"URL:{event.url}",
    ]
    if event.series:
        until, _count, skipped = event.series
        lines.append(f"RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL={_utc_stamp(until)}")
        lines.append(f"EXDATE;TZID={TIMEZONE}:{skipped:%Y%m%dT%H%M%S}")
    venue = event.venue
    if venue is None:
        lines.append("LOCATION:Online")
    else:
        address = f"{venue.street}, {venue.postcode} {venue.city}, Deutschland"
        lines += [
            f"LOCATION:{_ical_text(f'{venue.name}, {address}')}",
            f"GEO:{venue.latitude};{venue.longitude}",
            f'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS="{address}";X-APPLE-RADIUS=500;'
            f'X-TITLE="{venue.name}":geo:{venue.latitude},{venue.longitude}',
        ]
    categories = [*event.categories, *([event.project_name] if event.project else [])]
    lines.append("CATEGORIES:" + ",".join(_ical_text(c) for c in categories))
    if event.number % 4 == 0:
        lines.append(
            f"ATTACH;FMTTYPE=image/jpeg:{centre.site}/wp-content/uploads/{event.created:%Y/%m}/{event.slug}.jpg"
        )
    for organiser in event.organisers:
        lines.append(f'ORGANIZER;CN="{organiser.name}":MAILTO:{organiser.actor.email}')
    if event.status == "cancelled":
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def _google_ical(centre: _Centre, events: list[_Event], network: _Network, now: datetime, rng: Random) -> bytes:
    calendar_name = f"{centre.name} – Veranstaltungen"
    calendar = f"c_{rng.getrandbits(208):052x}@group.calendar.google.com"
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ical_text(calendar_name)}",
        f"X-WR-TIMEZONE:{TIMEZONE}",
        f"X-WR-CALDESC:Öffentliche Veranstaltungen des Digitalen Innovationszentrums {centre.towns[0]}. "
        "Änderungen vorbehalten.",
        "BEGIN:VTIMEZONE",
        f"TZID:{TIMEZONE}",
        f"X-LIC-LOCATION:{TIMEZONE}",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    staff = network.staff[centre.id]
    order = list(events)
    rng.shuffle(order)  # Google exports in no particular order
    alphabet = "0123456789abcdefghijklmnopqrstuv"
    for event in order:
        uid = "".join(rng.choice(alphabet) for _ in range(26))
        lines += _google_vevent(event, calendar, calendar_name, uid, staff, now, rng)
    lines.append("END:VCALENDAR")
    return _ical_document(lines)


def _attendee(mention: _Mention, partstat: str = "ACCEPTED") -> str:
    cutype = "INDIVIDUAL" if mention.actor.is_person else "GROUP"
    return (
        f"ATTENDEE;CUTYPE={cutype};ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN={_param(mention.name)};"
        f"X-NUM-GUESTS=0:mailto:{mention.actor.email}"
    )


def _google_vevent(
    event: _Event, calendar: str, calendar_name: str, uid: str, staff: list[_Actor], now: datetime, rng: Random
) -> list[str]:
    if event.all_day:
        when = [f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}", f"DTEND;VALUE=DATE:{event.end:%Y%m%d}"]
    else:
        when = [f"DTSTART:{_utc_stamp(event.start)}", f"DTEND:{_utc_stamp(event.end)}"]
    lines = [
        "BEGIN:VEVENT",
        *when,
        f"DTSTAMP:{_utc_stamp(now)}",
        f"ORGANIZER;CN={_param(calendar_name)}:mailto:{calendar}",
        f"UID:{uid}@google.com",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
        f"CN={_param(calendar_name)};X-NUM-GUESTS=0:mailto:{calendar}",
    ]
    for mention in event.speakers:
        lines.append(_attendee(mention, "TENTATIVE" if rng.random() < 0.15 else "ACCEPTED"))
    for mention in [*event.organisers[1:], *event.partners, *event.sponsors]:
        lines.append(_attendee(mention))
    if staff:
        person = staff[event.number % len(staff)]
        lines.append(_attendee(_Mention(person, person.name)))
    description = _google_description(event, rng)
    if event.online:
        code = "-".join("".join(rng.choice("abcdefghijkmnopqrstuvwxyz") for _ in range(n)) for n in (3, 4, 3))
        lines.append(f"X-GOOGLE-CONFERENCE:https://meet.google.com/{code}")
        line = "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-"
        description += (
            f"\n\n{line}\nMit Google Meet teilnehmen: https://meet.google.com/{code}\n\n"
            "Weitere Informationen zu Meet: https://support.google.com/a/users/answer/9282720\n\n"
            f"Bitte bearbeiten Sie diesen Abschnitt der Beschreibung nicht.\n{line}"
        )
    sequence = rng.randint(1, 3) if event.status == "changed" else rng.choice((0, 0, 0, 1))
    status = {"cancelled": "CANCELLED", "tentative": "TENTATIVE"}.get(event.status, "CONFIRMED")
    location = "" if event.venue is None else f"{event.venue.full}, Deutschland"
    lines += [
        f"CREATED:{_utc_stamp(event.created)}",
        f"DESCRIPTION:{_ical_text(description)}",
        f"LAST-MODIFIED:{_utc_stamp(event.modified)}",
        f"LOCATION:{_ical_text(location)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{status}",
        f"SUMMARY:{_ical_text(event.title)}",
        f"TRANSP:{'TRANSPARENT' if event.all_day else 'OPAQUE'}",
        "END:VEVENT",
    ]
    return lines


def _google_description(event: _Event, rng: Random) -> str:
    if rng.random() < 0.3:  # written in Google's rich-text editor
        first, *rest = event.paragraphs
        return f"<b>{html.escape(first, quote=False)}</b><br><br>" + "<br>".join(
            html.escape(p, quote=False) for p in rest
        )
    return "\n\n".join(event.paragraphs)


# --- RSS 2.0 with the event module ----------------------------------------------------------


def _rss(centre: _Centre, events: list[_Event], network: _Network, now: datetime, rng: Random) -> bytes:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"',
        '     xmlns:ev="http://purl.org/rss/1.0/modules/event/"',
        '     xmlns:atom="http://www.w3.org/2005/Atom"',
        '     xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"  <title>{xml_escape(centre.name)} – Veranstaltungen</title>",
        f'  <atom:link href="{centre.site}/veranstaltungen/feed/" rel="self" type="application/rss+xml"/>',
        f"  <link>{centre.site}/veranstaltungen/</link>",
        f"  <description>Workshops, Vorträge und Netzwerkabende im {xml_escape(centre.name)}</description>",
        "  <language>de-de</language>",
        f"  <lastBuildDate>{email.utils.format_datetime(now.astimezone(BERLIN))}</lastBuildDate>",
        "  <generator>https://wordpress.org/?v=6.8.2</generator>",
        "  <ttl>60</ttl>",
    ]
    width = max(3, len(str(len(events))))
    staff = network.staff[centre.id]
    prose = _prose_items(len(events), rng)
    for index, event in enumerate(events):
        title = _feed_title(event)
        creator = (
            staff[index % len(staff)].name if staff and rng.random() < 0.25 else f"Redaktion {centre.name.split()[0]}"
        )
        paragraphs = [f"<p>{html.escape(p, quote=False)}</p>" for p in event.paragraphs]
        out += [
            "  <item>",
            f"    <title>{xml_escape(title)}</title>",
            f"    <link>{event.url}</link>",
            f'    <guid isPermaLink="false">ipw-{event.start.year}-{event.number:0{width}d}</guid>',
            f"    <pubDate>{email.utils.format_datetime(event.created.astimezone(BERLIN))}</pubDate>",
            f"    <dc:creator><![CDATA[{creator}]]></dc:creator>",
        ]
        out += [f"    <category><![CDATA[{c}]]></category>" for c in event.categories]
        if event.project:
            out.append(f"    <category><![CDATA[{event.project_name}]]></category>")
        if index in prose:  # no ev: fields: the date is only in the text
            when = _prose_when(event, 0 if event.all_day else (5, 6, 0)[index % 3])
            paragraphs.insert(1, f"<p>{when}</p>")
            paragraphs.insert(2, f"<p>Ort: {html.escape(_place_text(event), quote=False)}</p>")
            organisers = html.escape(_join([m.name for m in event.organisers]), quote=False)
            paragraphs.append(f"<p>Veranstalter: {organisers}</p>")
            out.append(f"    <description><![CDATA[{''.join(paragraphs)}]]></description>")
        else:
            out.append(f"    <description><![CDATA[{''.join(paragraphs)}]]></description>")
            if event.all_day:
                out.append(f"    <ev:startdate>{event.start:%Y-%m-%d}</ev:startdate>")
                out.append(f"    <ev:enddate>{event.last_day:%Y-%m-%d}</ev:enddate>")
            else:
                out.append(f"    <ev:startdate>{event.start.isoformat()}</ev:startdate>")
                out.append(f"    <ev:enddate>{event.end.isoformat()}</ev:enddate>")
            out.append(f"    <ev:location>{xml_escape(_place_text(event))}</ev:location>")
            organisers = "; ".join(m.name for m in event.organisers)
            out.append(f"    <ev:organizer>{xml_escape(organisers)}</ev:organizer>")
            out.append(f"    <ev:type>{xml_escape(event.format.name)}</ev:type>")
        out.append("  </item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def _prose_items(count: int, rng: Random) -> set[int]:
    """Which ~20 % of the items have no ev: fields (at least one when there are three or more)."""
    chosen = {index for index in range(count) if rng.random() < 0.2}
    if not chosen and count >= 3:
        chosen.add(count // 2)
    return chosen


def _feed_title(event: _Event) -> str:
    """RSS and Atom have no status field: editors mark it in the title."""
    if event.status == "cancelled":
        return f"Abgesagt: {event.title}"
    if event.status == "changed":
        return f"{event.title} (verschoben)"
    return event.title


# --- Atom 1.0 ----------------------------------------------------------------------------------


def _atom(centre: _Centre, events: list[_Event], network: _Network, now: datetime, rng: Random) -> bytes:
    site = centre.site
    tag_host = centre.host.removeprefix("www.")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        f"  <title>{xml_escape(centre.name)} – Veranstaltungen</title>",
        f"  <subtitle>Termine des Digitalen Innovationszentrums {centre.towns[0]}</subtitle>",
        f"  <id>tag:{tag_host},{now.year}:/veranstaltungen</id>",
        f'  <link rel="self" type="application/atom+xml" href="{site}/veranstaltungen/index.atom"/>',
        f'  <link rel="alternate" type="text/html" href="{site}/veranstaltungen/"/>',
        f"  <updated>{now.astimezone(BERLIN).isoformat()}</updated>",
        f"  <author><name>{xml_escape(centre.name)}</name><uri>{site}/</uri></author>",
        '  <generator uri="https://gohugo.io/" version="0.148.2">Hugo</generator>',
        f"  <rights>© {now.year} {xml_escape(centre.name)}</rights>",
    ]
    staff = network.staff[centre.id]
    for index, event in enumerate(events):
        link = f"{site}/veranstaltungen/{event.start.year}/{event.slug}/"
        author = staff[index % len(staff)].name if staff and rng.random() < 0.3 else f"Redaktion {centre.name}"
        out += [
            "  <entry>",
            f"    <title>{xml_escape(_feed_title(event))}</title>",
            f"    <id>tag:{tag_host},{event.created:%Y-%m-%d}:/veranstaltungen/{event.slug}</id>",
            f'    <link rel="alternate" type="text/html" href="{link}"/>',
            f"    <published>{event.created.astimezone(BERLIN).isoformat()}</published>",
            f"    <updated>{event.modified.astimezone(BERLIN).isoformat()}</updated>",
            f"    <author><name>{xml_escape(author)}</name></author>",
        ]
        for theme, word in zip(event.themes, event.categories, strict=False):
            out.append(f'    <category term="{theme}" label="{_attr(word)}" scheme="{site}/themen/"/>')
        if event.project:
            term = slugify(event.project.name)
            out.append(f'    <category term="{term}" label="{_attr(event.project_name)}" scheme="{site}/projekte/"/>')
        body = _atom_body(event, index, rng)
        out += [
            f"    <summary>{xml_escape(_first_sentence(event.paragraphs[0]))}</summary>",
            f'    <content type="html">{xml_escape(body)}</content>',
            "  </entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out).encode("utf-8")


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s+", text, maxsplit=1)[0]


def _attr(value: str) -> str:
    return xml_escape(value, {'"': "&quot;"})


def _atom_body(event: _Event, index: int, rng: Random) -> str:
    place = html.escape(_place_text(event), quote=False)
    paragraphs = [f"<p>{html.escape(p, quote=False)}</p>" for p in event.paragraphs]
    style = rng.choice((0, 0, 1, 1, 2, 3, 4))
    when = _prose_when(event, style % 2 if event.all_day else style)
    if when.startswith("📅"):
        block = f"<p>{when}<br>📍 {place}</p>"
    elif when.startswith("<strong>"):
        block = f"<p>{when}<br><strong>Wo:</strong> {place}</p>"
    elif when.startswith("Wir treffen"):
        block = f"<p>{when} – {place}.</p>"
    else:
        block = f"<p>{when}<br>Ort: {place}</p>"
    if style in (0, 3):  # date first, like a fact box
        return block + "".join(paragraphs)
    return "".join(paragraphs[:-1]) + block + paragraphs[-1]


# --- The Events Calendar REST JSON ----------------------------------------------------------------

_WP_TEXTURIZE = (("–", "&#8211;"), ("„", "&#8222;"), ("“", "&#8220;"))


def _wp_entities(text: str, *, html_text: bool = False) -> str:
    """What WordPress' wptexturize() makes of a title (``&#038;``, ``&#8211;``); HTML keeps its ``&amp;``."""
    if not html_text:
        text = text.replace("&", "&#038;")
    for char, entity in _WP_TEXTURIZE:
        text = text.replace(char, entity)
    return text


def _wp_stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _details(moment: datetime) -> dict[str, str]:
    return {
        "year": f"{moment.year}",
        "month": f"{moment.month:02d}",
        "day": f"{moment.day:02d}",
        "hour": f"{moment.hour:02d}",
        "minutes": f"{moment.minute:02d}",
        "seconds": f"{moment.second:02d}",
    }


def _antispambot(address: str, rng: Random) -> str:
    """WordPress antispambot(): each character left alone or written as a decimal or hex entity."""
    out = []
    for char in address:
        roll = rng.random()
        out.append(char if roll < 0.4 else f"&#{ord(char)};" if roll < 0.7 else f"&#x{ord(char):x};")
    return "".join(out)


class _TecObjects:
    """TEC's venue, organiser and term objects, one per thing, with stable ids."""

    def __init__(self, centre: _Centre, events: list[_Event], now: datetime, rng: Random) -> None:
        self.centre, self.now, self.rng = centre, now, rng
        self.next_id = 2100
        self.venues: dict[str, dict[str, Any]] = {}
        self.organisers: dict[str, dict[str, Any]] = {}
        self.terms: dict[tuple[str, str], dict[str, Any]] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        for event in events:
            self.counts.update(("tribe_events_cat", c) for c in event.categories[:-1])
            self.counts.update(("post_tag", t) for t in self._tags(event))

    def _id(self) -> int:
        self.next_id += self.rng.randint(1, 9)
        return self.next_id

    def _post(self, object_id: int, kind: str, slug: str) -> dict[str, Any]:
        created = self.now - timedelta(days=200)
        host = self.centre.host
        return {
            "id": object_id,
            "author": "3",
            "status": "publish",
            "date": _wp_stamp(created.astimezone(BERLIN)),
            "date_utc": _wp_stamp(created.astimezone(UTC)),
            "modified": _wp_stamp(created.astimezone(BERLIN)),
            "modified_utc": _wp_stamp(created.astimezone(UTC)),
            "url": f"https://{host}/{kind}/{slug}/",
        }

    def venue(self, venue: _Venue) -> dict[str, Any]:
        if venue.name not in self.venues:
            slug = slugify(venue.name)
            object_id = self._id()
            self.venues[venue.name] = {
                **self._post(object_id, "veranstaltungsort", slug),
                "venue": _wp_entities(venue.name),
                "slug": slug,
                "address": venue.street,
                "city": venue.city,
                "country": "Deutschland",
                "province": "Mecklenburg-Vorpommern",
                "zip": venue.postcode,
                "phone": "",
                "website": "",
                "stateprovince": "Mecklenburg-Vorpommern",
                "show_map": True,
                "show_map_link": True,
                "geo_lat": venue.latitude,
                "geo_lng": venue.longitude,
                "global_id": f"{self.centre.host}?id={object_id}",
                "global_id_lineage": [f"{self.centre.host}?id={object_id}"],
            }
        return self.venues[venue.name]

    def organiser(self, mention: _Mention) -> dict[str, Any]:
        key = mention.actor.key
        if key not in self.organisers:
            slug = slugify(mention.name)
            object_id = self._id()
            address = mention.actor.email
            # Some sites run their organiser e-mails through antispambot(); here the second one always.
            obfuscated = len(self.organisers) == 1 or self.rng.random() < 0.1
            self.organisers[key] = {
                **self._post(object_id, "veranstalter", slug),
                "organizer": _wp_entities(mention.name).replace("&#038;", "&amp;"),
                "slug": slug,
                "phone": "",
                "website": mention.actor.website,
                "email": _antispambot(address, self.rng) if obfuscated else address,
                "global_id": f"{self.centre.host}?id={object_id}",
                "global_id_lineage": [f"{self.centre.host}?id={object_id}"],
            }
        return self.organisers[key]

    def term(self, taxonomy: str, name: str) -> dict[str, Any]:
        key = (taxonomy, name)
        if key not in self.terms:
            term_id = 11 + len(self.terms)
            plural = "categories" if taxonomy == "tribe_events_cat" else "tags"
            api = f"https://{self.centre.host}/wp-json/tribe/events/v1/{plural}"
            self.terms[key] = {
                "name": name.replace("&", "&amp;"),
                "slug": slugify(name),
                "term_group": 0,
                "term_taxonomy_id": term_id,
                "taxonomy": taxonomy,
                "description": "",
                "parent": 0,
                "count": self.counts[key],
                "filter": "raw",
                "id": term_id,
                "urls": {"self": f"{api}/{term_id}", "collection": api},
            }
        return self.terms[key]

    @staticmethod
    def _tags(event: _Event) -> list[str]:
        return list(
            dict.fromkeys([event.format.name, *event.keywords[1:], *([event.project_name] if event.project else [])])
        )

    def event(self, event: _Event, post_id: int) -> dict[str, Any]:
        host = self.centre.host
        local_start, local_end = event.start, event.end
        if event.all_day:
            local_end = datetime.combine(event.last_day, time(23, 59, 59), BERLIN)
        description = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in event.paragraphs)
        cost_values = re.findall(r"\d+", event.cost)
        record: dict[str, Any] = {
            "id": post_id,
            "global_id": f"{host}?id={post_id}",
            "global_id_lineage": [f"{host}?id={post_id}"],
            "author": "3",
            "status": "publish",
            "date": _wp_stamp(event.created.astimezone(BERLIN)),
            "date_utc": _wp_stamp(event.created),
            "modified": _wp_stamp(event.modified.astimezone(BERLIN)),
            "modified_utc": _wp_stamp(event.modified),
            "url": event.url,
            "rest_url": f"https://{host}/wp-json/tribe/events/v1/events/{post_id}",
            "title": _wp_entities(event.title),
            "description": _wp_entities(description, html_text=True),
            "excerpt": f"<p>{html.escape(_first_sentence(event.paragraphs[0]), quote=False)}</p>\n",
            "slug": event.slug,
            "image": False,
            "all_day": event.all_day,
            "start_date": _wp_stamp(local_start),
            "start_date_details": _details(local_start),
            "end_date": _wp_stamp(local_end),
            "end_date_details": _details(local_end),
            "utc_start_date": _wp_stamp(local_start.astimezone(UTC)),
            "utc_start_date_details": _details(local_start.astimezone(UTC)),
            "utc_end_date": _wp_stamp(local_end.astimezone(UTC)),
            "utc_end_date_details": _details(local_end.astimezone(UTC)),
            "timezone": TIMEZONE,
            "timezone_abbr": local_start.tzname(),
            "cost": event.cost,
            "cost_details": {
                "currency_symbol": "€" if cost_values else "",
                "currency_code": "EUR" if cost_values else "",
                "currency_position": "postfix",
                "values": cost_values,
            },
            "website": "",
            "show_map": event.venue is not None,
            "show_map_link": event.venue is not None,
            "hide_from_listings": False,
            "sticky": False,
            "featured": event.number % 17 == 0,
            "categories": [self.term("tribe_events_cat", c) for c in event.categories[:-1]],
            "tags": [self.term("post_tag", t) for t in self._tags(event)],
            "venue": self.venue(event.venue) if event.venue else [],
            "organizer": [self.organiser(m) for m in event.organisers],
        }
        if event.online:
            record["is_virtual"] = True
            record["virtual_url"] = f"https://{host}/online/{event.slug}/"
        if event.status == "cancelled":
            record["event_status"] = "canceled"
        return record


def _php_json(data: Any) -> bytes:
    """Compact JSON as PHP's json_encode writes it: ASCII only (\\uXXXX) and escaped slashes."""
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode("ascii")


def _tec_pages(centre: _Centre, events: list[_Event], directory: Path, now: datetime, rng: Random) -> list[Path]:
    objects = _TecObjects(centre, events, now, rng)
    pages = max(1, math.ceil(len(events) / PAGE_SIZE))
    paths = [directory / f"{centre.id}-p{number}.json" for number in range(1, pages + 1)]
    post_id = 3000
    records = []
    for event in events:
        post_id += 1 + event.number % 7
        records.append(objects.event(event, post_id))
    for number, path in enumerate(paths, start=1):
        page: dict[str, Any] = {"events": records[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]}
        page["rest_url"] = path.resolve().as_uri()
        if number < pages:
            page["next_rest_url"] = paths[number].resolve().as_uri()
        if number > 1:
            page["previous_rest_url"] = paths[number - 2].resolve().as_uri()
        page["total"] = len(events)
        page["total_pages"] = pages
        path.write_bytes(_php_json(page))
    return paths


# --- HTML with schema.org JSON-LD -------------------------------------------------------------

_SCHEMA_TYPES = {
    ActorKind.UNIVERSITY: "CollegeOrUniversity",
    ActorKind.RESEARCH: "ResearchOrganization",
    ActorKind.PUBLIC_BODY: "GovernmentOrganization",
    ActorKind.COMPANY: "Corporation",
    ActorKind.STARTUP: "Organization",
    ActorKind.ASSOCIATION: "NGO",
    ActorKind.ORGANISATION: "Organization",
}


def _ld_actor(mention: _Mention, planner: _Planner) -> dict[str, Any]:
    actor = mention.actor
    if actor.is_person:
        node: dict[str, Any] = {"@type": "Person", "name": mention.name, "jobTitle": actor.job}
        if actor.affiliation is not None and actor.affiliation.kind is not ActorKind.ORGANISATION:
            org = planner._mention(actor.affiliation)
            node["affiliation"] = {"@type": _SCHEMA_TYPES[org.actor.kind], "name": org.name, "url": org.actor.website}
        return node
    return {"@type": _SCHEMA_TYPES[actor.kind], "name": mention.name, "url": actor.website}


def _ld_place(venue: _Venue) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.street,
            "postalCode": venue.postcode,
            "addressLocality": venue.city,
            "addressRegion": "Mecklenburg-Vorpommern",
            "addressCountry": "DE",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": venue.latitude, "longitude": venue.longitude},
    }


def _ld_event(event: _Event, planner: _Planner, mixed: bool) -> dict[str, Any]:
    site = event.centre.site
    if event.all_day:
        start, end = f"{event.start:%Y-%m-%d}", f"{event.last_day:%Y-%m-%d}"
    else:
        start, end = event.start.isoformat(), event.end.isoformat()
    status = {"cancelled": "EventCancelled", "changed": "EventRescheduled"}.get(event.status, "EventScheduled")
    virtual = {"@type": "VirtualLocation", "url": f"{site}/live/{event.slug}/"}
    if event.venue is None:
        mode, location = "OnlineEventAttendanceMode", virtual
    elif mixed:
        mode, location = "MixedEventAttendanceMode", [_ld_place(event.venue), virtual]
    else:
        mode, location = "OfflineEventAttendanceMode", _ld_place(event.venue)
    schema_type = event.format.schema_type
    node: dict[str, Any] = {
        "@type": schema_type,
        "@id": f"{event.url}#event",
        "identifier": f"diz-hro-{event.start.year}-{event.number:03d}",
        "name": event.title,
        "description": "\n\n".join(event.paragraphs),
        "url": event.url,
        "startDate": start,
        "endDate": end,
        "eventStatus": f"https://schema.org/{status}",
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "location": location,
    }
    if event.format.name == "Hackathon":
        node["additionalType"] = "https://schema.org/Hackathon"
    if event.previous_start is not None:
        node["previousStartDate"] = event.previous_start.isoformat()
    organisers = [_ld_actor(m, planner) for m in event.organisers]
    node["organizer"] = organisers[0] if len(organisers) == 1 else organisers
    if event.speakers:
        performers = [_ld_actor(m, planner) for m in event.speakers]
        node["performer"] = performers[0] if len(performers) == 1 else performers
    if event.sponsors:
        node["sponsor"] = _ld_actor(event.sponsors[0], planner)
    if event.partners:
        node["contributor"] = [_ld_actor(m, planner) for m in event.partners]
    node["about"] = [{"@type": "Thing", "name": word} for word in event.categories[:-1]]
    node["keywords"] = ", ".join([*event.keywords, *([event.project_name] if event.project else [])])
    price = re.findall(r"\d+", event.cost)
    node["offers"] = {
        "@type": "Offer",
        "price": price[0] if price else "0",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "url": f"{event.url}#anmeldung",
    }
    node["image"] = f"{site}/media/veranstaltungen/{event.slug}.jpg"
    node["inLanguage"] = "de-DE"
    return node


def _ld_script(data: Any, pretty: bool) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2 if pretty else None).replace("</", "<\\/")
    return f'  <script type="application/ld+json">\n{text}\n  </script>'


def _html_page(
    centre: _Centre, title: str, canonical: str, scripts: list[str], events: list[_Event], nav: str
) -> bytes:
    items = []
    for event in events:
        place = html.escape(event.venue.full if event.venue else "Online")
        status = " <strong>(abgesagt)</strong>" if event.status == "cancelled" else ""
        items.append(
            f'      <li class="event">\n        <h2><a href="{event.url}">{html.escape(event.title)}</a>{status}</h2>\n'
            f'        <p class="when">{html.escape(_visible_date(event))}</p>\n'
            f'        <p class="where">{place}</p>\n      </li>'
        )
    page = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '  <meta charset="utf-8">',
        '  <meta name="viewport" content="width=device-width, initial-scale=1">',
        f"  <title>{html.escape(title)} | {html.escape(centre.name)}</title>",
        f'  <link rel="canonical" href="{canonical}">',
        '  <link rel="stylesheet" href="/assets/css/site.css?v=3.4.1">',
        *scripts,
        "</head>",
        "<body>",
        f'  <header><a href="{centre.site}/">{html.escape(centre.name)}</a></header>',
        "  <main>",
        f"    <h1>{html.escape(title)}</h1>",
        '    <ul class="events">',
        *items,
        "    </ul>",
        f"    {nav}",
        "  </main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(page).encode("utf-8")


def _jsonld_pages(centre: _Centre, events: list[_Event], planner: _Planner, directory: Path) -> list[Path]:
    folder = directory / centre.id
    folder.mkdir(parents=True, exist_ok=True)
    rng = planner.rng
    site = centre.site
    pages = max(1, math.ceil(len(events) / PAGE_SIZE))
    paths: list[Path] = []
    mixed = [e.venue is not None and rng.random() < 0.03 for e in events]
    planner.mixed = sum(mixed)
    nodes = [_ld_event(e, planner, mixed=m) for e, m in zip(events, mixed, strict=True)]
    for number in range(1, pages + 1):
        chunk = events[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        chunk_nodes = nodes[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        name = "veranstaltungen.html" if number == 1 else f"veranstaltungen-seite-{number}.html"
        canonical = f"{site}/veranstaltungen/" if number == 1 else f"{site}/veranstaltungen/seite/{number}/"
        title = "Veranstaltungen" if number == 1 else f"Veranstaltungen – Seite {number}"
        style = (number - 1) % 3
        context = "https://schema.org"
        if style == 0:  # the site's own block, then an @graph of events
            site_block = {
                "@context": context,
                "@graph": [
                    {
                        "@type": "WebSite",
                        "@id": f"{site}/#website",
                        "url": f"{site}/",
                        "name": centre.name,
                        "inLanguage": "de-DE",
                    },
                    {
                        "@type": "BreadcrumbList",
                        "itemListElement": [
                            {"@type": "ListItem", "position": 1, "name": "Start", "item": f"{site}/"},
                            {"@type": "ListItem", "position": 2, "name": "Veranstaltungen", "item": canonical},
                        ],
                    },
                ],
            }
            scripts = [_ld_script(site_block, False), _ld_script({"@context": context, "@graph": chunk_nodes}, True)]
        elif style == 1:  # an ItemList
            item_list = {
                "@context": context,
                "@type": "ItemList",
                "name": title,
                "numberOfItems": len(chunk_nodes),
                "itemListOrder": "https://schema.org/ItemListOrderAscending",
                "itemListElement": [
                    {"@type": "ListItem", "position": i, "item": node} for i, node in enumerate(chunk_nodes, start=1)
                ],
            }
            scripts = [_ld_script(item_list, False)]
        else:  # one block per event
            scripts = [_ld_script({"@context": context, **node}, True) for node in chunk_nodes]
        links = []
        if number > 1:
            previous = "veranstaltungen.html" if number == 2 else f"veranstaltungen-seite-{number - 1}.html"
            links.append(f'<a rel="prev" href="{previous}">Zurück</a>')
        if number < pages:
            links.append(f'<a rel="next" href="veranstaltungen-seite-{number + 1}.html">Weiter</a>')
        nav = f'<nav class="pagination">{" ".join(links)}</nav>'
        path = folder / name
        path.write_bytes(_html_page(centre, title, canonical, scripts, chunk, nav))
        paths.append(path)
    # A detail page repeating one listed event (same identifier and @id): the sync must merge it.
    repeated = next(
        (
            i
            for i, e in enumerate(events)
            if len(e.organisers) == 1 and e.organisers[0].actor.kind is ActorKind.ORGANISATION
        ),
        None,
    )
    if repeated is not None:
        event = events[repeated]
        org_id = f"{site}/#organization"
        organisation = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "@id": org_id,
            "name": centre.name,
            "url": f"{site}/",
            "email": centre.email,
        }
        node = {"@context": "https://schema.org", **nodes[repeated], "organizer": {"@id": org_id}}
        path = folder / f"veranstaltung-{event.slug}.html"
        scripts = [_ld_script(organisation, False), _ld_script(node, True)]
        path.write_bytes(_html_page(centre, event.title, event.url, scripts, [event], ""))
        paths.append(path)
    return paths


# --- the public API --------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_start(today: date | None = None) -> date:
    """The first day of the month three months before ``today``: the feeds show some past too."""
    return _add_months((today or date.today()).replace(day=1), -3)


@dataclass(frozen=True)
class DemoFeeds:
    """What :func:`write_demo_feeds` wrote, and what a correct import of it must find."""

    directory: Path
    start: date
    end: date  # exclusive
    generated_at: datetime  # the moment the feeds pretend to be fetched (UTC)
    files: dict[str, list[Path]]  # source id -> every file written for it
    urls: dict[str, list[str]]  # source id -> the URLs the registry lists for it
    counts: dict[str, int]  # source id -> events an import yields (series expanded, repeats merged)
    stats: dict[str, dict[str, int]]  # source id -> {"cancelled", "online", "mixed", "all_day"} counts
    registry: list[dict[str, Any]]
    #: Actors named in two or more centres: canonical name -> {centre id: the spelling used there}.
    aliases: dict[str, dict[str, str]]
    #: Projects named in two or more centres: canonical name -> {centre id: spelling}.
    projects: dict[str, dict[str, str]]
    #: Pairs of different organisations whose names look alike (both appear in the feeds).
    lookalikes: list[tuple[str, str]]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def write_registry(self, path: Path) -> Path:
        """The source registry as YAML: a list of mappings with id, space, format, urls, schedule."""
        path.parent.mkdir(parents=True, exist_ok=True)
        header = "# Demo feed sources, written by importers.demo_feeds. Synthetic data.\n"
        path.write_text(header + yaml.safe_dump(self.registry, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path


def _shares(total: int) -> dict[str, int]:
    """``total`` split over the centres by weight (largest remainder)."""
    weights = sum(c.weight for c in _CENTRES)
    exact = {c.id: total * c.weight / weights for c in _CENTRES}
    shares = {key: int(value) for key, value in exact.items()}
    rest = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:rest]:
        shares[key] += 1
    return shares


def _clean(directory: Path) -> None:
    """Remove pages an earlier, larger run left behind (only the generator's own file names)."""
    for stale in directory.glob("diz-neubrandenburg-p*.json"):
        stale.unlink()
    rostock = directory / "diz-rostock"
    if rostock.is_dir():
        for stale in rostock.glob("veranstaltung*.html"):
            stale.unlink()


def write_demo_feeds(
    target_dir: Path,
    *,
    events: int = 1200,
    seed: int = 7,
    start: date | None = None,
    months: int = 15,
) -> DemoFeeds:
    """Write the six centres' feeds with ``events`` events in total into ``target_dir``.

    ``start`` defaults to :func:`default_start` (this month's first day minus three months);
    events fall between ``start`` and ``months`` months later. The same arguments give the same
    bytes. MakerPort's weekly series counts with its occurrences.
    """
    if events < 0 or months < 1:
        raise ValueError("events must be >= 0 and months >= 1")
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    _clean(target_dir)
    first = start or default_start()
    stop = _add_months(first, months)
    now = datetime.combine(min(_add_months(first, 3), stop), time(6), BERLIN).astimezone(UTC)
    network = _Network(seed, events)
    shares = _shares(events)
    files: dict[str, list[Path]] = {}
    urls: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    stats: dict[str, dict[str, int]] = {}
    usage: dict[str, dict[str, str]] = {}
    for centre in _CENTRES:
        planner = _Planner(network, centre, seed, first, stop, now)
        share = shares[centre.id]
        occurrences = 0
        if centre.id == _SR:  # the weekly series, as long as the centre has events for it
            weeks = ((stop - first).days - (3 - first.weekday()) % 7 - 1) // 7  # rule dates that fit, minus one
            occurrences = min(weeks, share // 3, _MAX_SERIES) if share >= 6 else 0
            occurrences = occurrences if occurrences >= 2 else 0
        planned = [planner.event(number) for number in range(1, share - occurrences + 1)]
        planned.sort(key=lambda e: (e.start, e.number))
        if occurrences:
            planned.insert(0, _series(planner, occurrences, 0))
        counts[centre.id] = share
        paths = _write_centre(centre, planned, planner, network, target_dir, now)
        stats[centre.id] = {
            "cancelled": sum(e.status == "cancelled" for e in planned),
            "online": sum(e.online for e in planned),
            "mixed": planner.mixed,
            "all_day": sum(e.all_day for e in planned),
        }
        files[centre.id] = paths
        if centre.format == "tec_json":
            urls[centre.id] = [paths[0].resolve().as_uri()]
        else:
            urls[centre.id] = [path.resolve().as_uri() for path in paths]
        for key, spellings in planner.usage.items():
            usage.setdefault(key, {}).update(spellings)
    names = {actor.key: actor.name for actor in [*network.orgs, *network.people, *network.centres.values()]}
    aliases = {names[key]: spellings for key, spellings in usage.items() if len(spellings) > 1 and key in names}
    registry = [
        {"id": c.id, "space": c.id, "format": c.format, "urls": urls[c.id], "schedule": SCHEDULE} for c in _CENTRES
    ]
    projects = {p.name: dict(p.spellings) for p in network.projects if len(p.spellings) > 1}
    seen = {name for spellings in usage.values() for name in spellings.values()}
    lookalikes = [pair for pair in _LOOKALIKES if pair[0] in seen and pair[1] in seen]
    return DemoFeeds(target_dir, first, stop, now, files, urls, counts, stats, registry, aliases, projects, lookalikes)


def _write_centre(
    centre: _Centre, events: list[_Event], planner: _Planner, network: _Network, directory: Path, now: datetime
) -> list[Path]:
    rng = planner.rng
    if centre.id == _SR:
        path = directory / f"{centre.id}.ics"
        path.write_bytes(_tec_ical(centre, events, now))
        return [path]
    if centre.id == _SN:
        path = directory / f"{centre.id}.ics"
        path.write_bytes(_google_ical(centre, events, network, now, rng))
        return [path]
    if centre.format == "rss":
        path = directory / f"{centre.id}.rss"
        path.write_bytes(_rss(centre, events, network, now, rng))
        return [path]
    if centre.format == "atom":
        path = directory / f"{centre.id}.atom"
        path.write_bytes(_atom(centre, events, network, now, rng))
        return [path]
    if centre.format == "tec_json":
        return _tec_pages(centre, events, directory, now, rng)
    return _jsonld_pages(centre, events, planner, directory)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m importers.demo_feeds DIR``: write the demo feeds and their registry."""
    parser = argparse.ArgumentParser(prog="python -m importers.demo_feeds", description=main.__doc__)
    parser.add_argument("target_dir", type=Path)
    parser.add_argument("--events", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--months", type=int, default=15)
    parser.add_argument("--start", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: 3 months ago)")
    parser.add_argument("--registry", type=Path, default=None, help="default: TARGET_DIR/sources.yaml")
    args = parser.parse_args(argv)
    feeds = write_demo_feeds(args.target_dir, events=args.events, seed=args.seed, start=args.start, months=args.months)
    registry = feeds.write_registry(args.registry or args.target_dir / "sources.yaml")
    for source, count in feeds.counts.items():
        print(f"{source:24} {count:7d} events  {len(feeds.files[source])} file(s)")
    print(f"{'total':24} {feeds.total:7d} events; registry: {registry}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
