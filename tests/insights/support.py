"""The small hand-built graph every insight test checks exact numbers against.

Centres are the six reference spaces, themes the reference taxonomy
(``ensure_reference_data``). All times are Europe/Berlin wall-clock times in 2026.

Actors (kind; ACTIVE_IN):
  uni-rostock (university; diz-rostock)            solarwerk (startup; diz-rostock, diz-schwerin)
  stadt-schwerin (public_body; diz-schwerin)       hs-wismar (university; innovationport-wismar)
  klinik-greifswald (company; diz-greifswald)      medtech-start (startup; diz-greifswald)
  anna-schmidt (person; diz-schwerin)              verein-nb (association; diz-neubrandenburg)

Events (local start; centre; themes; project; participants, roles: O organises, P presents at,
S sponsors, Pa partners in, A attends):
  e1 15.01. 18:00  diz-rostock            energie                          uni-rostock O, solarwerk P
  e2 10.02. 17:00  diz-schwerin           energie, mobilitaet   p-quartier stadt-schwerin O, solarwerk S, anna-schmidt A
  e3 20.02. 10:00  innovationport-wismar  mobilitaet                       hs-wismar O, stadt-schwerin Pa
  e4 05.04. 14:00  diz-greifswald         gesundheit, ki        p-health   klinik-greifswald O, medtech-start P,
                                                                           uni-rostock Pa
  e5 20.04. 16:00  diz-rostock            gesundheit            p-health   medtech-start O, uni-rostock P
  e6 02.05. 11:00  diz-neubrandenburg     bildung                          verein-nb O
  e7 10.05. 18:00  diz-schwerin           energie  (CANCELLED)             solarwerk O, hs-wismar P
  e8 01.04. 00:30  innovationport-wismar  ki                               hs-wismar O, medtech-start A
     (e8 starts 31.03. 22:30 UTC: it is April locally and counts in April.)

Projects (CONTRIBUTES_TO): p-quartier "Energiequartier Nord" <- solarwerk, stadt-schwerin;
                           p-health "Digitale Gesundheit MV" <- medtech-start, klinik-greifswald.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hub.domain import Actor, ActorKind, Event, EventStatus, Project, Relationship, RelType
from hub.reference import ensure_reference_data
from hub.store.port import GraphStore

BERLIN = ZoneInfo("Europe/Berlin")

ACTORS = {
    "uni-rostock": ("Universität Rostock", ActorKind.UNIVERSITY, ["diz-rostock"]),
    "solarwerk": ("Solarwerk Nord GmbH", ActorKind.STARTUP, ["diz-rostock", "diz-schwerin"]),
    "stadt-schwerin": ("Landeshauptstadt Schwerin", ActorKind.PUBLIC_BODY, ["diz-schwerin"]),
    "hs-wismar": ("Hochschule Wismar", ActorKind.UNIVERSITY, ["innovationport-wismar"]),
    "klinik-greifswald": ("Klinikum Greifswald", ActorKind.COMPANY, ["diz-greifswald"]),
    "medtech-start": ("MedTech Start GmbH", ActorKind.STARTUP, ["diz-greifswald"]),
    "anna-schmidt": ("Anna Schmidt", ActorKind.PERSON, ["diz-schwerin"]),
    "verein-nb": ("Digitalverein Neubrandenburg e.V.", ActorKind.ASSOCIATION, ["diz-neubrandenburg"]),
}

# id: (title, local start, space, themes, project, participants, status)
EVENTS = {
    "e1": ("Energie vom Dach", (1, 15, 18, 0), "diz-rostock", ["energie"], None,
           [("uni-rostock", RelType.ORGANISES), ("solarwerk", RelType.PRESENTS_AT)], EventStatus.SCHEDULED),
    "e2": ("Mobilität und Energie im Quartier", (2, 10, 17, 0), "diz-schwerin", ["energie", "mobilitaet"],
           "p-quartier",
           [("stadt-schwerin", RelType.ORGANISES), ("solarwerk", RelType.SPONSORS),
            ("anna-schmidt", RelType.ATTENDS)], EventStatus.SCHEDULED),
    "e3": ("Radverkehr digital", (2, 20, 10, 0), "innovationport-wismar", ["mobilitaet"], None,
           [("hs-wismar", RelType.ORGANISES), ("stadt-schwerin", RelType.PARTNERS_IN)], EventStatus.SCHEDULED),
    "e4": ("KI in der Pflege", (4, 5, 14, 0), "diz-greifswald", ["gesundheit", "ki"], "p-health",
           [("klinik-greifswald", RelType.ORGANISES), ("medtech-start", RelType.PRESENTS_AT),
            ("uni-rostock", RelType.PARTNERS_IN)], EventStatus.SCHEDULED),
    "e5": ("Telemedizin an der Küste", (4, 20, 16, 0), "diz-rostock", ["gesundheit"], "p-health",
           [("medtech-start", RelType.ORGANISES), ("uni-rostock", RelType.PRESENTS_AT)], EventStatus.SCHEDULED),
    "e6": ("Medienkompetenz für Senior:innen", (5, 2, 11, 0), "diz-neubrandenburg", ["bildung"], None,
           [("verein-nb", RelType.ORGANISES)], EventStatus.SCHEDULED),
    "e7": ("Solarstammtisch", (5, 10, 18, 0), "diz-schwerin", ["energie"], None,
           [("solarwerk", RelType.ORGANISES), ("hs-wismar", RelType.PRESENTS_AT)], EventStatus.CANCELLED),
    "e8": ("Nachtschicht: KI-Hackathon", (4, 1, 0, 30), "innovationport-wismar", ["ki"], None,
           [("hs-wismar", RelType.ORGANISES), ("medtech-start", RelType.ATTENDS)], EventStatus.SCHEDULED),
}  # fmt: skip

PROJECTS = {
    "p-quartier": ("Energiequartier Nord", ["solarwerk", "stadt-schwerin"]),
    "p-health": ("Digitale Gesundheit MV", ["medtech-start", "klinik-greifswald"]),
}


def local(month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


async def build_insight_graph(store: GraphStore) -> None:
    """Write the graph described in the module docstring (plus the reference data) to ``store``."""
    await ensure_reference_data(store)
    nodes: list = [
        Actor(id=actor_id, name=name, kind=kind, home_space_id=spaces[0], source="test")
        for actor_id, (name, kind, spaces) in ACTORS.items()
    ]
    nodes += [Project(id=project_id, name=name, source="test") for project_id, (name, _) in PROJECTS.items()]
    nodes += [
        Event(id=event_id, title=title, start=local(*when), timezone="Europe/Berlin", status=status, source="test")
        for event_id, (title, when, _, _, _, _, status) in EVENTS.items()
    ]
    rels = [(RelType.ACTIVE_IN, actor_id, space) for actor_id, (_, _, spaces) in ACTORS.items() for space in spaces]
    rels += [(RelType.CONTRIBUTES_TO, actor, project) for project, (_, actors) in PROJECTS.items() for actor in actors]
    for event_id, (_, _, space, themes, project, participants, _) in EVENTS.items():
        rels.append((RelType.HOSTED_BY, event_id, space))
        rels += [(RelType.ABOUT, event_id, theme) for theme in themes]
        rels += [(RelType.PART_OF, event_id, project)] if project else []
        rels += [(role, actor, event_id) for actor, role in participants]
    await store.upsert_nodes(nodes)
    await store.upsert_relationships(
        [Relationship(type=rel_type, start_id=start, end_id=end, source="test") for rel_type, start, end in rels]
    )
