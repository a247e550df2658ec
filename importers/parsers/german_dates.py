"""Event dates written in German prose: "am 12. März 2026 um 18:00 Uhr", "25.02.2026, 9–13 Uhr".

Feeds that have no date field (RSS items without ``ev:``, Atom entries) put the date into the
text, in whatever style the editor likes. No library handles this well for German: dateutil
only knows English month names and silently invents missing parts, and dateparser is heavy
(large language data, regex per locale), slow and unreliable on German ranges such as
"3.–4. Juni" or "9–13 Uhr". So this module understands the handful of patterns the centres
actually write, and nothing more:

* dates: ``12.03.2026``, ``12.3.26``, ``12.03.`` (no year), ``12. März 2026``, ``12 Mrz.``,
  ``Maerz``/``Jänner``/abbreviations with or without a dot, ISO ``2026-03-12``; a weekday
  before them ("Do.,", "Donnerstag,") is simply skipped;
* multi-day: ``3.–4. Juni 2026``, ``vom 3. bis 4. Juni``, ``30.09.–02.10.2026``;
* times after the date on the same line: ``18 Uhr``, ``18:30 Uhr``, ``18.30 Uhr``, ``ab 18 Uhr``,
  ``9–13 Uhr``, ``18:00 - 20:30 Uhr``, ``von 18 bis 20 Uhr``, ``bis 21 Uhr``,
  ``Beginn 18 Uhr (Ende ca. 20 Uhr)``, ``ganztägig``;
* a missing year is the next occurrence on or after ``reference`` minus two months (a feed
  may still list an event that ran a few weeks ago).

Which date is the event's: a date labelled "Wann:", "Termin:", "Datum:" or 📅 wins; otherwise
the first date. Dates that look like deadlines ("Anmeldung bis 1. März", "bis zum ...") or
bookkeeping ("Stand:"), and dates more than two months before ``reference`` ("nach dem Erfolg
am 12. März 2025"), are only used when there is no other date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["EventTime", "find_event_time"]


@dataclass(frozen=True)
class EventTime:
    """When an event takes place, as found in a text; times are aware."""

    start: datetime
    end: datetime | None
    all_day: bool
    #: Where in the text the date and its times were found (start, end offsets), so that a
    #: caller can look for the place right after it ("… 18 Uhr – DIZ Greifswald").
    span: tuple[int, int] = (0, 0)


# --- patterns -------------------------------------------------------------------------------

# Characters that mean a dash or a space in editors' output; each maps to ONE character so that
# offsets in the normalised text are offsets in the original text too.
# fmt: off
_NORMALISE = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2011": "-", "\u2010": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ",
})
# fmt: on

_MONTHS = (
    r"jan(?:uar)?|j[äa]n(?:ner)?|feb(?:ruar)?|feber|m[äa]rz|maerz|m[äa]r|mrz|apr(?:il)?|mai"
    r"|jun(?:i)?|jul(?:i)?|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dez(?:ember)?"
)
# Keyed by the first three letters, lower case, "ä" as "a" ("Maerz" gives "mae").
# fmt: off
_MONTH_NUMBERS = {"jan": 1, "feb": 2, "mar": 3, "mae": 3, "mrz": 3, "apr": 4, "mai": 5, "jun": 6,
                  "jul": 7, "aug": 8, "sep": 9, "okt": 10, "nov": 11, "dez": 12}
# fmt: on


def _day_month(tag: str, *, day_only: bool = False) -> str:
    """``12.03.`` or ``12. März`` (or, for a range's first day, just ``3.``) with a year."""
    # A two-digit year only when glued to the date ("12.3.26"): "12.03. 20 Plätze" is no year.
    # A year is never a time: "12.03. 18:00" or "12.03.18 Uhr".
    year = rf"(?:\s*(?P<{tag}y>\d{{4}})|(?P<{tag}y2>\d{{2}}))(?!\d|\s*(?:Uhr|[:.]\d))"
    months = (
        rf"\.\s?(?P<{tag}m>\d{{1,2}})\.(?:{year})?"
        rf"|\.?\s*(?P<{tag}mn>{_MONTHS})\b\.?(?:\s*(?P<{tag}yn>\d{{4}})(?!\d))?"
    )
    if day_only:
        months += r"|\."
    return rf"(?P<{tag}d>\d{{1,2}})(?:{months})"


# One date, or a range of days whose first part may leave out month and year ("3.–4. Juni").
_DATE = re.compile(
    rf"(?<![\w.:/])(?:{_day_month('s', day_only=True)}\s*(?:-|bis\s+(?:zum\s+)?)\s*)?{_day_month('e')}",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d|-\d)")

_CLOCK = r"(?P<{h}>\d{{1,2}})(?:[:.](?P<{m}>\d{{2}}))?"
# "9-13 Uhr", "18:00 - 20:30 Uhr", "von 18 bis 20 Uhr", "18 Uhr bis 21 Uhr", "18:00-20:00".
_TIME_RANGE = (
    rf"(?:von\s+)?{_CLOCK.format(h='h1', m='m1')}\s*(?P<u1>Uhr\s*)?(?:-|bis)\s*"
    rf"{_CLOCK.format(h='h2', m='m2')}(?P<u2>\s*Uhr\b)?"
)
# "18 Uhr", "18.30 Uhr", "18:30" (a colon time needs no "Uhr").
_TIME_SINGLE = rf"{_CLOCK.format(h='h', m='m')}(?P<u>\s*Uhr\b)?"
_TIME = re.compile(rf"(?<![\w.:])(?:{_TIME_RANGE}|{_TIME_SINGLE})(?![\w:])", re.IGNORECASE)

_ALL_DAY = re.compile(r"\bganzt[äa]gig|\bganztags\b", re.IGNORECASE)
# Words before a single time that make it the end: "bis 21 Uhr", "Ende ca. 20 Uhr".
_END_WORD = re.compile(r"\b(?:bis|ende|endet|enden)\b", re.IGNORECASE)
# A label that marks the event's own date.
_LABEL = re.compile(r"\b(?:wann|termin|datum|zeit|wann\s*&\s*wo)\b\s*:|📅|🗓|⏰", re.IGNORECASE)
# Words just before a date that make it a deadline or bookkeeping, not the event.
_NOT_EVENT = re.compile(
    r"\b(?:anmeld\w*|bewerb\w*|einsend\w*|einreich\w*|\w*frist\w*|deadline|sp[äa]testens|stand|"
    r"ver[öo]ffentlicht|aktualisiert|erstellt|bis(?:\s+zum)?)\W*(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)
# Where a sentence ends: a deadline word in the sentence before says nothing about this date.
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÄÖÜ])")

# How far after a date its times may be, and how far before it a deadline word may be.
_TIME_WINDOW = 160
_CONTEXT = 40
# Texts are feed descriptions; beyond this nothing is the event's date and the regexes need
# not run over a 200 kB description.
_MAX_TEXT = 20_000
# A date without a year is looked for from this long before the reference on.
_LOOKBACK = timedelta(days=61)


@dataclass(frozen=True)
class _Candidate:
    first: date
    last: date
    start: int  # offsets of the date in the text
    end: int
    labelled: bool
    not_event: bool


# --- the public function ----------------------------------------------------------------------


def find_event_time(
    text: str, *, default_timezone: str = "Europe/Berlin", reference: datetime | None = None
) -> EventTime | None:
    """The event's date and time found in German ``text``, or None when it names no date.

    Times are wall-clock times in ``default_timezone`` (DST-correct). A date without a time is
    an all-day event (midnight to the midnight after its last day). ``reference`` (default: now)
    decides the year of dates written without one.
    """
    text = text[:_MAX_TEXT].translate(_NORMALISE)
    zone = ZoneInfo(default_timezone)
    reference_day = (reference or datetime.now(zone)).date()
    candidates = _candidates(text, reference_day)
    if not candidates:
        return None
    chosen = _choose(candidates, reference_day - _LOOKBACK)
    return _with_times(text, chosen, _neighbours(candidates, chosen, len(text)), zone)


# --- dates ------------------------------------------------------------------------------------


def _candidates(text: str, reference_day: date) -> list[_Candidate]:
    """Every date in the text, in order, with what its context says about it."""
    found: list[_Candidate] = []
    matches = sorted([*_DATE.finditer(text), *_ISO_DATE.finditer(text)], key=lambda m: m.start())
    for match in matches:
        if found and match.start() < found[-1].end:
            continue  # overlaps the previous date
        days = _iso_days(match) if match.re is _ISO_DATE else _german_days(match, reference_day)
        if days is None:
            continue
        before = text[_line_start(text, match.start()) : match.start()]
        labels = list(_LABEL.finditer(before))
        found.append(
            _Candidate(
                first=days[0],
                last=days[1],
                start=match.start(),
                end=match.end(),
                labelled=bool(labels),
                not_event=_looks_like_deadline(before[labels[-1].end() :] if labels else before),
            )
        )
    return found


def _looks_like_deadline(context: str) -> bool:
    """Whether the words just before a date ("Anmeldung bis") make it no event date."""
    sentence = _SENTENCE_END.split(context[-_CONTEXT:])[-1]
    return bool(_NOT_EVENT.search(sentence))


def _choose(candidates: list[_Candidate], earliest: date) -> _Candidate:
    """A labelled event date, else the first event date, else the first date at all.

    Dates long before the reference ("Nach dem Erfolg am 12. März 2025 …") only count when
    there is nothing else: a feed announces what is coming.
    """
    events = [c for c in candidates if not c.not_event]
    current = [c for c in events if c.last >= earliest]
    for group in (current, events):
        labelled = [c for c in group if c.labelled]
        if labelled or group:
            return (labelled or group)[0]
    return candidates[0]


def _iso_days(match: re.Match[str]) -> tuple[date, date] | None:
    day = _valid_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return None if day is None else (day, day)


def _german_days(match: re.Match[str], reference_day: date) -> tuple[date, date] | None:
    """First and last day of a German date or day range; None if it is no real date."""
    last_parts = _parts(match, "e")
    if last_parts is None:
        return None
    day, month, year = last_parts
    if match["sd"] is None:
        single = _resolve(day, month, year, reference_day)
        return None if single is None else (single, single)
    first_parts = _parts(match, "s")
    first_day, first_month, first_year = first_parts if first_parts else (int(match["sd"]), None, None)
    return _range(first_day, first_month or month, first_year, (day, month, year), reference_day)


def _parts(match: re.Match[str], tag: str) -> tuple[int, int, int | None] | None:
    """Day, month and year (None when not written) of the ``tag`` date in a match."""
    if match[f"{tag}m"]:
        month = int(match[f"{tag}m"])
    elif match[f"{tag}mn"]:
        month = _month_number(match[f"{tag}mn"])
    else:
        return None
    year_text = match[f"{tag}y"] or match[f"{tag}yn"]
    year = int(year_text) if year_text else None
    if match[f"{tag}y2"]:
        year = 2000 + int(match[f"{tag}y2"])
    return int(match[f"{tag}d"]), month, year


def _range(
    first_day: int,
    first_month: int,
    first_year: int | None,
    last: tuple[int, int, int | None],
    reference_day: date,
) -> tuple[date, date] | None:
    """The days of "3.–4. Juni 2026": the first day borrows month and year from the last."""
    last_date = _resolve(*last, reference_day)
    if last_date is None:
        return None
    if first_year is None:
        # "30.12.–02.01.2027": a first day after the last one lies in the year before.
        first_year = last_date.year - (1 if (first_month, first_day) > (last_date.month, last_date.day) else 0)
    first_date = _valid_date(first_year, first_month, first_day)
    if first_date is None or first_date > last_date or (last_date - first_date).days > 366:
        return None
    return first_date, last_date


def _resolve(day: int, month: int, year: int | None, reference_day: date) -> date | None:
    """The date itself, or (without a year) its next occurrence from the reference window on."""
    if year is not None:
        return _valid_date(year, month, day)
    earliest = reference_day - _LOOKBACK
    for candidate_year in range(earliest.year, earliest.year + 5):  # 5 years: 29 February
        candidate = _valid_date(candidate_year, month, day)
        if candidate is not None and candidate >= earliest:
            return candidate
    return None


def _valid_date(year: int, month: int, day: int) -> date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.lower().replace("ä", "a")[:3]]


# --- times ------------------------------------------------------------------------------------


def _with_times(text: str, chosen: _Candidate, bounds: tuple[int, int], zone: ZoneInfo) -> EventTime:
    """The candidate's days combined with the times written next to it (same line only)."""
    previous_end, following = bounds
    line_end = text.find("\n", chosen.end)
    limit = min(following, chosen.end + _TIME_WINDOW, len(text) if line_end < 0 else line_end)
    window = text[chosen.end : limit]
    if _ALL_DAY.search(window[:_CONTEXT]):
        return _all_day_time(chosen, zone, (chosen.start, chosen.end))
    start_time, end_time, used = _times(window)
    if start_time is None:
        # "um 18 Uhr am 12. März": a time before the date, on the same line.
        since = max(_line_start(text, chosen.start), chosen.start - _CONTEXT, previous_end)
        start_time, end_time, _ = _times(text[since : chosen.start])
    span = (chosen.start, chosen.end + used)
    if start_time is None:
        return _all_day_time(chosen, zone, span)
    start = _at(chosen.first, start_time, zone)
    end = _at(chosen.last, end_time, zone) if end_time is not None else None
    if end is not None and end <= start:
        # "22-2 Uhr" runs past midnight; on a multi-day event it is a contradiction.
        end = end + timedelta(days=1) if chosen.first == chosen.last else None
    return EventTime(start=start, end=end, all_day=False, span=span)


def _times(window: str) -> tuple[time | None, time | None, int]:
    """Start and end time in the text after a date, and how much of it they used."""
    start: time | None = None
    end: time | None = None
    used = 0
    position = 0
    for match in _TIME.finditer(window):
        between = window[position : match.start()]
        position = match.end()
        if match["h1"] is not None:
            pair = _range_times(match)
            if pair is None:
                continue
            if start is None:
                start, end, used = pair[0], pair[1], match.end()
                break
            if end is None:
                end, used = pair[1], match.end()
            break
        clock = _single_time(match)
        if clock is None:
            continue
        if _END_WORD.search(between):
            if start is not None and end is None:
                end, used = clock, match.end()
                break
        elif start is None:
            start, used = clock, match.end()
        # A second start time ("17:30 Uhr Kurzvorträge") is a programme item: ignored.
    return start, end, used


def _range_times(match: re.Match[str]) -> tuple[time, time] | None:
    # Without "Uhr" only colon times count: "5-9" in "Stufen 5-9" is no time range.
    if not (match["u1"] or match["u2"]) and not (match["m1"] and match["m2"] and ":" in match.group()):
        return None
    first = _clock(match["h1"], match["m1"])
    second = _clock(match["h2"], match["m2"])
    return None if first is None or second is None else (first, second)


def _single_time(match: re.Match[str]) -> time | None:
    if not match["u"] and not (match["m"] and ":" in match.group()):
        return None  # a bare number, or "18.30" without "Uhr" (could be anything)
    return _clock(match["h"], match["m"])


def _clock(hours: str, minutes: str | None) -> time | None:
    hour, minute = int(hours), int(minutes or 0)
    if hour == 24 and minute == 0:
        return time(23, 59, 59)  # "bis 24 Uhr": the end of the day, still on it
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# --- small helpers ----------------------------------------------------------------------------


def _all_day_time(chosen: _Candidate, zone: ZoneInfo, span: tuple[int, int]) -> EventTime:
    """Midnight of the first day to the midnight after the last day (exclusive end)."""
    start = datetime.combine(chosen.first, time(0), tzinfo=zone)
    end = datetime.combine(chosen.last + timedelta(days=1), time(0), tzinfo=zone)
    return EventTime(start=start, end=end, all_day=True, span=span)


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # ZoneInfo picks the offset valid on that day: 18:00 on 29 March 2026 is +02:00.
    return datetime.combine(day, clock, tzinfo=zone)


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _neighbours(candidates: list[_Candidate], chosen: _Candidate, text_end: int) -> tuple[int, int]:
    """Where the date before the chosen one ends and the one after it starts."""
    before = [c.end for c in candidates if c.end <= chosen.start]
    after = [c.start for c in candidates if c.start >= chosen.end]
    return (before[-1] if before else 0), (after[0] if after else text_end)
