"""German event dates in prose: one table of texts and the times they must give."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from importers.parsers.german_dates import find_event_time

BERLIN = ZoneInfo("Europe/Berlin")
# The sample feeds were written around 1 September 2025.
REFERENCE = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)

# text, start, end (None: open end), all-day; times as local ISO strings with their offset.
# fmt: off
CASES: list[tuple[str, str, str | None, bool]] = [
    # styles of the sample feeds
    ("Darüber sprechen wir am 12. März 2026 um 18:00 Uhr mit Pflegekräften.",
     "2026-03-12T18:00:00+01:00", None, False),
    ("Der Workshop findet am 25.02.2026, 9–13 Uhr im InnovationPort statt.",
     "2026-02-25T09:00:00+01:00", "2026-02-25T13:00:00+01:00", False),
    ("Am Mittwoch, 22. Oktober 2025 ab 9:30 Uhr ist der InnovationPort Treffpunkt.",
     "2025-10-22T09:30:00+02:00", None, False),
    ("Nächster Termin: Mittwoch, 16. September 2026, 19 Uhr, Werkstatt im Erdgeschoss.",
     "2026-09-16T19:00:00+02:00", None, False),
    ("Wann: Dienstag, 16. September 2025, 17:00 bis 19:00 Uhr\nWo: DIZ Greifswald",
     "2025-09-16T17:00:00+02:00", "2025-09-16T19:00:00+02:00", False),
    ("Wir treffen uns am 30.09.2025 von 16 bis 18 Uhr – DIZ Greifswald, Seminarraum 1.",
     "2025-09-30T16:00:00+02:00", "2025-09-30T18:00:00+02:00", False),
    ("Termin: 28. Oktober 2025, Beginn 18 Uhr (Ende ca. 20 Uhr) – DIZ Greifswald",
     "2025-10-28T18:00:00+01:00", "2025-10-28T20:00:00+01:00", False),
    ("📅 Di, 04.11.2025 · 8:30–10:30 Uhr\n📍 DIZ Greifswald",
     "2025-11-04T08:30:00+01:00", "2025-11-04T10:30:00+01:00", False),
    ("Wann: 25. bis 26. August 2026, Start am ersten Tag um 9:00 Uhr, Ende am zweiten Tag gegen 17:00 Uhr",
     "2026-08-25T09:00:00+02:00", "2026-08-26T17:00:00+02:00", False),
    ("Mi, 14.10.2026 · 17:30–19:00 Uhr",
     "2026-10-14T17:30:00+02:00", "2026-10-14T19:00:00+02:00", False),
    # spellings of months and weekdays
    ("Donnerstag, 12. Maerz 2026, 18 Uhr", "2026-03-12T18:00:00+01:00", None, False),
    ("Do., 12. Mrz. 2026, 18.30 Uhr", "2026-03-12T18:30:00+01:00", None, False),
    ("am 12. Jänner 2026 um 10 Uhr", "2026-01-12T10:00:00+01:00", None, False),
    ("Fr 3. Jan. 2026, 10:15 Uhr", "2026-01-03T10:15:00+01:00", None, False),
    ("3. Sept. 2026, 18 Uhr", "2026-09-03T18:00:00+02:00", None, False),
    ("am 3 Okt 2026 um 18 Uhr", "2026-10-03T18:00:00+02:00", None, False),
    ("Fr. 6.3.2026 19:30 Uhr", "2026-03-06T19:30:00+01:00", None, False),
    ("12.3.26, 18 Uhr", "2026-03-12T18:00:00+01:00", None, False),
    ("Termin am 2026-03-12 um 18 Uhr", "2026-03-12T18:00:00+01:00", None, False),
    # time ranges and end times
    ("Donnerstag, 12. März 2026, 18:00 - 20:30 Uhr",
     "2026-03-12T18:00:00+01:00", "2026-03-12T20:30:00+01:00", False),
    ("Am 12.03.2026 von 18 bis 20 Uhr", "2026-03-12T18:00:00+01:00", "2026-03-12T20:00:00+01:00", False),
    ("12.03.2026 ab 18 Uhr, bis 21 Uhr", "2026-03-12T18:00:00+01:00", "2026-03-12T21:00:00+01:00", False),
    ("12.03.2026, 18 Uhr bis 21 Uhr", "2026-03-12T18:00:00+01:00", "2026-03-12T21:00:00+01:00", False),
    ("12.03.2026, 18:00\u201420:00 Uhr", "2026-03-12T18:00:00+01:00", "2026-03-12T20:00:00+01:00", False),
    ("12.03.2026 18:00", "2026-03-12T18:00:00+01:00", None, False),
    ("31.12.2026, 22–2 Uhr", "2026-12-31T22:00:00+01:00", "2027-01-01T02:00:00+01:00", False),
    ("Um 18 Uhr am 12. März 2026 geht es los", "2026-03-12T18:00:00+01:00", None, False),
    # non-breaking and narrow spaces
    ("12.\u00a0März\u00a02026, 18\u202fUhr", "2026-03-12T18:00:00+01:00", None, False),
    # all-day and multi-day
    ("Samstag, 7. November 2026, ganztägig", "2026-11-07T00:00:00+01:00", "2026-11-08T00:00:00+01:00", True),
    ("Messe am 20. Mai 2026", "2026-05-20T00:00:00+02:00", "2026-05-21T00:00:00+02:00", True),
    ("3.–4. Juni 2026", "2026-06-03T00:00:00+02:00", "2026-06-05T00:00:00+02:00", True),
    ("vom 3. bis 4. Juni 2026", "2026-06-03T00:00:00+02:00", "2026-06-05T00:00:00+02:00", True),
    ("1.-3.10.2026", "2026-10-01T00:00:00+02:00", "2026-10-04T00:00:00+02:00", True),
    ("30.09.–02.10.2026, jeweils 9–17 Uhr", "2026-09-30T09:00:00+02:00", "2026-10-02T17:00:00+02:00", False),
    ("30.12.2026 bis 2.1.2027", "2026-12-30T00:00:00+01:00", "2027-01-03T00:00:00+01:00", True),
    # missing year: the next occurrence from two months before the reference on
    ("vom 3. bis 4. Juni", "2026-06-03T00:00:00+02:00", "2026-06-05T00:00:00+02:00", True),
    ("am 12.03. um 18 Uhr", "2026-03-12T18:00:00+01:00", None, False),
    ("am 15.08. um 18 Uhr", "2025-08-15T18:00:00+02:00", None, False),
    ("am 1.7. um 18 Uhr", "2026-07-01T18:00:00+02:00", None, False),
    # DST: the offset is the one valid on that day
    ("29. März 2026, 18:00 Uhr", "2026-03-29T18:00:00+02:00", None, False),
    ("28. März 2026, 18:00 Uhr", "2026-03-28T18:00:00+01:00", None, False),
    ("24. Oktober 2026, 18:00 Uhr", "2026-10-24T18:00:00+02:00", None, False),
    ("25. Oktober 2026, 18:00 Uhr", "2026-10-25T18:00:00+01:00", None, False),
    # which date is the event's
    ("Teilnahme kostenfrei, Anmeldung bis 23.09.2025. Der Workshop ist am 30.09.2025 ab 9 Uhr.",
     "2025-09-30T09:00:00+02:00", None, False),
    ("Am 12. März 2026 um 18 Uhr (Anmeldung bis 5. März)", "2026-03-12T18:00:00+01:00", None, False),
    ("Rückblick auf den 12. März 2025.\nTermin: 5. Mai 2026, 10 Uhr", "2026-05-05T10:00:00+02:00", None, False),
    ("Bitte melden Sie sich bis zum 1. März 2026 an. Stammtisch am 5. März 2026, 19 Uhr",
     "2026-03-05T19:00:00+01:00", None, False),
    ("Nach dem Erfolg am 12. März 2025 geht es am 5. Mai 2026 um 18 Uhr weiter",
     "2026-05-05T18:00:00+02:00", None, False),
    ("Anmeldung bis 1. März 2026", "2026-03-01T00:00:00+01:00", "2026-03-02T00:00:00+01:00", True),
    ("Stammtisch Handwerk 4.0. Am 5. Mai 2026, 19 Uhr", "2026-05-05T19:00:00+02:00", None, False),
    ("Einlass 17:00 Uhr. Am 5. Mai 2026, 18 Uhr Vorträge, 19:30 Uhr Netzwerken",
     "2026-05-05T18:00:00+02:00", None, False),
]
# fmt: on


@pytest.mark.parametrize(("text", "start", "end", "all_day"), CASES, ids=[case[0][:40] for case in CASES])
def test_find_event_time(text: str, start: str, end: str | None, all_day: bool) -> None:
    found = find_event_time(text, reference=REFERENCE)
    assert found is not None
    assert found.start.isoformat() == start
    assert (found.end.isoformat() if found.end else None) == end
    assert found.all_day is all_day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Keine Daten hier.",
        "Zeit: 17:00 Uhr",  # a time without a date is no event date
        "Industrie 4.0 und Web 3.0.",
        "Schulklassen der Stufen 5 bis 9 programmieren.",
        "am 31.02.2026 um 18 Uhr",  # no such day
        "Seit dem Sommer 2025 fährt das Ostsee-Shuttle.",
    ],
)
def test_no_date(text: str) -> None:
    assert find_event_time(text, reference=REFERENCE) is None


def test_span_covers_date_and_times() -> None:
    text = "Termin: 28. Oktober 2025, Beginn 18 Uhr (Ende ca. 20 Uhr) – DIZ Greifswald"
    found = find_event_time(text, reference=REFERENCE)
    assert found is not None
    assert text[found.span[0] : found.span[1]] == "28. Oktober 2025, Beginn 18 Uhr (Ende ca. 20 Uhr"


def test_other_zone_and_default_reference() -> None:
    found = find_event_time("12.03.2026, 18 Uhr", default_timezone="Europe/London")
    assert found is not None and found.start.isoformat() == "2026-03-12T18:00:00+00:00"


def test_long_text_is_cheap() -> None:
    text = "Lorem 12 ipsum 3. dolor 4.0 " * 20_000 + "am 12.03.2026 um 18 Uhr"
    # Beyond the first 20,000 characters nothing is looked at: no date, and no time-out.
    assert find_event_time(text, reference=REFERENCE) is None
