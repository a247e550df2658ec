"""The dashboard at ``/``, driven end to end in headless Chromium (Debian's /usr/bin/chromium via Playwright).

Each test does what a person would (load the page, change the period, search an actor, ask for partner
suggestions, filter events) and compares what the page shows with the API's own answer to the same
question, asked with httpx.  The page must never fetch anything from outside the hub and never throw
(checked after every test by the ``watched`` fixture).

Only the embedded engine (LadybugDB) runs here: the page reads nothing but the GraphQL API, and the API
gives the same answers on both engines (``tests/api`` proves that on LadybugDB and Neo4j); the browser
is the slow part, so it runs once.
"""

from __future__ import annotations

import base64
import math
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from tests.web.conftest import Api, PageWatch
from tools.screenshots import wait_ready

WEB_DIR = Path(__file__).resolve().parents[2] / "hub" / "web"

ACTIVITY = """query($g: Granularity!, $filter: ActivityFilter) {
  activity(granularity: $g, filter: $filter) {
    periods
    cells { period events space { id } theme { id } }
    spaceTotals { period events space { id } }
    themeTotals { period events theme { id } }
    periodTotals { period events newActors }
  }
}"""
LINKS = """query($window: ActivityWindow) {
  collaboration(window: $window) { label }
  crossRegional(window: $window) { actorCount projectCount }
}"""
CROSS_REGIONAL = """query($actors: Int!) {
  crossRegional {
    actors(first: $actors) { name centres { space { id } } actor { id kind projects { id } } }
    projects(first: 30) { project { id } }
  }
}"""
SPACES = "{ spaces(first: 20) { edges { node { id name } } } }"
SEARCH = """query($text: String!) {
  search(text: $text, kinds: [ACTOR], first: 8) { node { ... on Actor { id name } } }
}"""
ACTOR = """query($id: ID!) { node(id: $id) { ... on Actor { name spaces { id name } projects { id } } } }"""
PARTNERS = """query($actor: ID, $themes: [ID!], $forSpace: ID, $filter: PartnerFilter) {
  partners(actor: $actor, themes: $themes, forSpace: $forSpace, filter: $filter, first: 10) {
    score reasons actor { id name }
  }
}"""
EVENTS = """query($filter: EventFilter, $first: Int!) {
  events(filter: $filter, first: $first, orderBy: {field: START, direction: ASC}) {
    totalCount pageInfo { hasNextPage } edges { node { id title status space { name } } }
  }
}"""
DEFAULT_PARTNER_FILTER = {"otherSpacesOnly": True, "includeConnected": True, "includePersons": False}
BERLIN = ZoneInfo("Europe/Berlin")


def gid(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


def number(text: str) -> int:
    """A count as the page writes it (German: 1.234)."""
    return int(text.strip().replace(".", ""))


def key(node: dict[str, Any] | None) -> str:
    """How the page names a node in data attributes: its global id, or "none" for the no-centre/no-theme bucket."""
    return node["id"] if node else "none"


def berlin_midnight(day: str) -> str:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), BERLIN).isoformat()


def shown_map(page: Any) -> dict[str, int]:
    """Each centre on the map and the count written under its name."""
    centres = page.eval_on_selector_all(
        "#map .centre", "els => els.map(e => [e.dataset.spaceId, e.querySelector('.centre-count').textContent])"
    )
    return {space: number(text) for space, text in centres}


def shown_heatmap(page: Any) -> dict[tuple[str, str], int]:
    cells = page.eval_on_selector_all(
        "#heatmap tbody td:not(.total)", "els => els.map(e => [e.dataset.row, e.dataset.col, e.textContent])"
    )
    return {(row, col): number(text) for row, col, text in cells}


def kpi(page: Any, label: str) -> str:
    return page.locator(f"dd[data-kpi='{label}']").inner_text()


def space_ids(api: Api) -> list[str]:
    return [edge["node"]["id"] for edge in api(SPACES)["spaces"]["edges"]]


# --- the overview ----------------------------------------------------------------------------------------------------


def test_the_overview_shows_what_the_activity_api_reports(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    page.goto(hub_url)
    wait_ready(page, "uebersicht")
    assert page.get_attribute("html", "data-state") == "ready"
    activity = api(ACTIVITY, g="QUARTER")["activity"]

    per_space = Counter()
    for total in activity["spaceTotals"]:
        per_space[key(total["space"])] += total["events"]
    shown = shown_map(page)
    assert shown == {space: per_space[space] for space in space_ids(api)}
    assert sum(shown.values()) > 0
    radius = {
        space: float(page.locator(f"#map .centre[data-space-id='{space}'] circle").get_attribute("r"))
        for space in shown
    }
    for a in shown:
        for b in shown:
            if shown[a] > shown[b]:
                assert radius[a] > radius[b], "a busier centre has the larger circle"

    per_cell = Counter()
    for cell in activity["cells"]:
        per_cell[(key(cell["theme"]), key(cell["space"]))] += cell["events"]
    heat = shown_heatmap(page)
    assert heat == {cell: per_cell[cell] for cell in heat}
    assert {cell for cell, n in per_cell.items() if n} <= set(heat), "every non-empty cell is shown"
    theme_totals = Counter()
    for total in activity["themeTotals"]:
        theme_totals[key(total["theme"])] += total["events"]
    row_totals = page.eval_on_selector_all(
        "#heatmap tbody td.total", "els => els.map(e => [e.dataset.row, e.textContent])"
    )
    assert {row: number(text) for row, text in row_totals} == {row: theme_totals[row] for row, _ in row_totals}

    assert number(kpi(page, "Veranstaltungen")) == sum(t["events"] for t in activity["periodTotals"])
    assert number(kpi(page, "Neue Akteure")) == sum(t["newActors"] for t in activity["periodTotals"])
    links = api(LINKS, window=None)
    assert number(kpi(page, "Überregional aktive Akteure")) == links["crossRegional"]["actorCount"]
    assert kpi(page, "Engste Zusammenarbeit") == links["collaboration"][0]["label"]
    assert page.locator("#map .links line").count() == len(links["collaboration"])


def test_changing_the_period_changes_the_map_heatmap_and_events(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    page.goto(hub_url)
    wait_ready(page, "uebersicht")
    page.select_option("#period-granularity", "YEAR")
    wait_ready(page, "uebersicht")
    years = api(ACTIVITY, g="YEAR")["activity"]["periods"]
    assert len(years) >= 2, "the generated graph spans more than one year"
    year = years[1]
    page.select_option("#period-from", label=year)
    wait_ready(page, "uebersicht")
    page.select_option("#period-to", label=year)
    wait_ready(page, "uebersicht")
    expect(page.locator("#period-summary")).to_have_text(f"Zeitraum: {year}")

    window = {"from": f"{year}-01-01", "to": f"{int(year) + 1}-01-01"}
    activity = api(ACTIVITY, g="YEAR", filter=window)["activity"]
    per_space = Counter()
    for total in activity["spaceTotals"]:
        per_space[key(total["space"])] += total["events"]
    assert shown_map(page) == {space: per_space[space] for space in space_ids(api)}
    assert number(kpi(page, "Veranstaltungen")) == sum(t["events"] for t in activity["periodTotals"])
    links = api(LINKS, window=window)
    assert number(kpi(page, "Überregional aktive Akteure")) == links["crossRegional"]["actorCount"]
    assert kpi(page, "Engste Zusammenarbeit") == links["collaboration"][0]["label"]

    # The same days by quarter, over time: one column per quarter of that year.
    page.select_option("#period-granularity", "QUARTER")
    wait_ready(page, "uebersicht")
    page.click("label[for=heat-mode-time]")
    quarters = api(ACTIVITY, g="QUARTER", filter=window)["activity"]
    columns = page.eval_on_selector_all("#heatmap thead th[data-col]", "els => els.map(e => e.dataset.col)")
    assert set(quarters["periods"]) <= set(columns)
    assert all(column.startswith(f"{year}-Q") for column in columns)
    per_theme_quarter = Counter()
    for cell in quarters["cells"]:
        per_theme_quarter[(key(cell["theme"]), cell["period"])] += cell["events"]
    heat = shown_heatmap(page)
    assert heat == {cell: per_theme_quarter[cell] for cell in heat}

    # The event list follows the period.
    page.click("nav.tabs a[data-view=veranstaltungen]")
    wait_ready(page, "veranstaltungen")
    expected = api(
        EVENTS, filter={"from": berlin_midnight(window["from"]), "to": berlin_midnight(window["to"])}, first=25
    )["events"]
    assert number(page.get_attribute("#events-count", "data-total")) == expected["totalCount"]
    rows = page.eval_on_selector_all("#events-table tbody tr[data-id]", "els => els.map(e => e.dataset.id)")
    assert rows == [edge["node"]["id"] for edge in expected["edges"]]


# --- the network -----------------------------------------------------------------------------------------------------


def test_searching_an_actor_highlights_its_neighbourhood(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    cross = api(CROSS_REGIONAL, actors=60)["crossRegional"]
    organisations = [a for a in cross["actors"] if a["actor"]["kind"] != "PERSON"]
    projects = {p["project"]["id"] for p in cross["projects"]}
    page.goto(f"{hub_url}#/netzwerk")
    wait_ready(page, "netzwerk")

    shown = set(page.eval_on_selector_all("#network .node", "els => els.map(e => e.dataset.id)"))
    assert shown == set(space_ids(api)) | {a["actor"]["id"] for a in organisations} | projects

    actor = organisations[0]
    actor_id = actor["actor"]["id"]
    hits = api(SEARCH, text=actor["name"])["search"]
    page.fill("#net-search", actor["name"])
    expect(page.locator("#net-search-list .option-name")).to_have_text([hit["node"]["name"] for hit in hits])
    page.locator(f"#net-search-list [role=option][data-id='{actor_id}']").click()
    page.wait_for_selector("#net-details[data-state=ready] [data-field=spaces]")

    highlighted = set(page.eval_on_selector_all("#network .node.hl", "els => els.map(e => e.dataset.id)"))
    centres = {c["space"]["id"] for c in actor["centres"]}
    assert highlighted == {actor_id} | centres | ({p["id"] for p in actor["actor"]["projects"]} & projects)
    assert page.get_attribute("#network .node.selected", "data-id") == actor_id
    details = api(ACTOR, id=actor_id)["node"]
    expect(page.locator("#net-details h3")).to_have_text(details["name"])
    spaces = page.inner_text("#net-details [data-field=spaces]").split(", ")
    assert sorted(spaces) == sorted(s["name"] for s in details["spaces"])

    # An actor active in one centre only is not in the picture: found, it is added with its links.
    single = next(
        a
        for a in api(
            "{ actors(first: 100, filter: {kinds: [COMPANY, STARTUP, UNIVERSITY]}) { edges { node { id name } } } }"
        )["actors"]["edges"]
        if a["node"]["id"] not in shown
    )["node"]
    page.fill("#net-search", single["name"])
    page.locator(f"#net-search-list [role=option][data-id='{single['id']}']").click()
    expect(page.locator("#network .node.selected")).to_have_attribute("data-id", single["id"])
    page.wait_for_selector("#net-details[data-state=ready] [data-field=spaces]")
    details = api(ACTOR, id=single["id"])["node"]
    highlighted = set(page.eval_on_selector_all("#network .node.hl", "els => els.map(e => e.dataset.id)"))
    assert highlighted == {single["id"]} | {s["id"] for s in details["spaces"]} | (
        {p["id"] for p in details["projects"]} & projects
    )


def test_the_network_zooms_and_works_with_the_keyboard(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    page.goto(f"{hub_url}#/netzwerk")
    wait_ready(page, "netzwerk")
    zoom = lambda: float(page.get_attribute("#network svg", "data-zoom"))  # noqa: E731
    page.click("#zoom-in")
    assert zoom() > 1
    page.locator("#network svg").hover()
    page.mouse.wheel(0, 400)
    page.wait_for_function("z => Number(document.querySelector('#network svg').dataset.zoom) < z", arg=zoom() + 1e-9)
    page.click("#zoom-reset")
    assert zoom() == 1

    # One tab stop for the graph; arrow keys move between nodes (centres first, by name); Enter chooses.
    assert page.locator("#network .node[tabindex='0']").count() == 1
    page.focus("#network .node[tabindex='0']")
    page.keyboard.press("Home")
    spaces = sorted(api(SPACES)["spaces"]["edges"], key=lambda e: e["node"]["name"])
    first = page.evaluate("document.activeElement.dataset.id")
    assert first == spaces[0]["node"]["id"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.id") == spaces[1]["node"]["id"]
    page.keyboard.press("Enter")
    assert page.get_attribute("#network .node.selected", "data-id") == spaces[1]["node"]["id"]
    expect(page.locator("#net-details h3")).to_have_text(spaces[1]["node"]["name"])
    page.keyboard.press("Escape")
    expect(page.locator("#network .node.selected")).to_have_count(0)


# --- partners -----------------------------------------------------------------------------------------------------


def shown_suggestions(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "#partner-list .suggestion",
        """els => els.map(e => ({
            id: e.dataset.actorId,
            name: e.querySelector('.s-name').textContent,
            score: e.querySelector('.score').textContent,
            reasons: [...e.querySelectorAll('.reasons li')].map(li => li.textContent),
        }))""",
    )


def expected_suggestions(partners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": p["actor"]["id"],
            "name": p["actor"]["name"],
            "score": f"Passung {math.floor(p['score'] * 100 + 0.5)} %",
            "reasons": p["reasons"],
        }
        for p in partners
    ]


def test_partner_suggestions_for_an_actor_and_for_themes(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    # An organisation not active everywhere: suggestions come from the centres it is not active in.
    actor = next(
        a
        for a in api(CROSS_REGIONAL, actors=100)["crossRegional"]["actors"]
        if a["actor"]["kind"] != "PERSON" and len(a["centres"]) < 6
    )
    page.goto(f"{hub_url}#/partner")
    wait_ready(page, "partner")
    page.click("#partner-submit")
    expect(page.locator("#partner-form-error")).to_contain_text("Bitte zuerst einen Akteur")

    # Chosen with the keyboard: type, arrow down to the actor, Enter.
    page.fill("#partner-actor", actor["name"])
    option = page.locator(f"#partner-actor-list [role=option][data-id='{actor['actor']['id']}']")
    expect(option).to_be_visible()
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    assert page.get_attribute("#partner-actor", "aria-activedescendant") == option.get_attribute("id")
    page.keyboard.press("Enter")
    expect(page.locator("#partner-actor-chosen")).to_have_text(f"Gewählt: {actor['name']}")
    page.click("#partner-submit")
    wait_ready(page, "partner")
    expected = api(PARTNERS, actor=actor["actor"]["id"], filter=DEFAULT_PARTNER_FILTER)["partners"]
    assert expected, "the busiest actor has partner suggestions"
    assert shown_suggestions(page) == expected_suggestions(expected)

    page.click("label[for=partner-mode-themes]")
    themes = [gid("Theme", "energie"), gid("Theme", "mobilitaet")]
    for theme in themes:
        page.locator(f"#partner-themes input[value='{theme}']").check()
    page.select_option("#partner-for-space", gid("Space", "diz-rostock"))
    page.click("#partner-submit")
    wait_ready(page, "partner")
    expected = api(PARTNERS, themes=themes, forSpace=gid("Space", "diz-rostock"), filter=DEFAULT_PARTNER_FILTER)
    assert expected["partners"]
    assert shown_suggestions(page) == expected_suggestions(expected["partners"])


def test_a_failing_api_is_reported_in_german(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    watched.console_errors_expected = True  # the browser logs the failed requests

    def partners_fail(route: Any) -> None:
        if "DashboardPartners" in (route.request.post_data or ""):
            route.fulfill(status=500, content_type="application/json", body='{"errors": [{"message": "kaputt"}]}')
        else:
            route.continue_()

    page.route("**/graphql", partners_fail)
    page.goto(f"{hub_url}#/partner")
    wait_ready(page, "partner")
    page.click("label[for=partner-mode-themes]")
    page.locator(f"#partner-themes input[value='{gid('Theme', 'energie')}']").check()
    page.click("#partner-submit")
    alert = page.locator("#view-partner .error[role=alert]")
    expect(alert).to_contain_text("Die Daten konnten nicht geladen werden.")
    expect(alert).to_contain_text("kaputt")
    expect(page.locator("#view-partner")).to_have_attribute("data-state", "error")

    # With the API down from the start the page says so instead of staying blank.
    page.unroute("**/graphql")
    page.route("**/graphql", lambda route: route.fulfill(status=503, body="Service Unavailable"))
    page.goto(hub_url)
    alert = page.locator("#view-uebersicht .error[role=alert]")
    expect(alert).to_contain_text("Die Daten konnten nicht geladen werden.")
    expect(alert).to_contain_text("HTTP 503")
    expect(page.locator("html")).to_have_attribute("data-state", "error")
    expect(alert.get_by_role("button", name="Erneut versuchen")).to_be_visible()


# --- events -----------------------------------------------------------------------------------------------------


def test_the_event_list_follows_its_filters(watched: PageWatch, hub_url: str, api: Api) -> None:
    page = watched.page
    page.goto(f"{hub_url}#/veranstaltungen")
    wait_ready(page, "veranstaltungen")

    def check(filter: dict[str, Any], pages: int = 1) -> None:
        expected = api(EVENTS, filter=filter, first=25 * pages)["events"]
        assert number(page.get_attribute("#events-count", "data-total")) == expected["totalCount"]
        rows = page.eval_on_selector_all(
            "#events-table tbody tr[data-id]",
            "els => els.map(e => [e.dataset.id, e.querySelector('.title').textContent, e.cells[2].textContent])",
        )
        assert [(node_id, title) for node_id, title, _ in rows] == [
            (edge["node"]["id"], edge["node"]["title"]) for edge in expected["edges"]
        ]
        assert [space for _, _, space in rows] == [
            edge["node"]["space"]["name"] if edge["node"]["space"] else "–" for edge in expected["edges"]
        ]

    check({})
    rostock, energy = gid("Space", "diz-rostock"), gid("Theme", "energie")
    page.select_option("#ev-space", rostock)
    wait_ready(page, "veranstaltungen")
    check({"spaces": [rostock]})
    page.select_option("#ev-theme", energy)
    wait_ready(page, "veranstaltungen")
    check({"spaces": [rostock], "themes": [energy]})
    page.select_option("#ev-theme", "")
    wait_ready(page, "veranstaltungen")
    if page.is_visible("#ev-more"):
        page.click("#ev-more")
        wait_ready(page, "veranstaltungen")
        check({"spaces": [rostock]}, pages=2)
    page.select_option("#ev-status", "CANCELLED")
    wait_ready(page, "veranstaltungen")
    check({"spaces": [rostock], "statuses": ["CANCELLED"]})
    assert set(page.eval_on_selector_all("#events-table td.status", "els => els.map(e => e.textContent)")) <= {
        "Abgesagt"
    }

    # A centre chosen on the map opens its events.
    page.click("#ev-reset")
    wait_ready(page, "veranstaltungen")
    page.click("nav.tabs a[data-view=uebersicht]")
    wait_ready(page, "uebersicht")
    greifswald = gid("Space", "diz-greifswald")
    page.locator(f"#map .centre[data-space-id='{greifswald}']").click()
    expect(page).to_have_url(re.compile("#/veranstaltungen$"))
    wait_ready(page, "veranstaltungen")
    assert page.input_value("#ev-space") == greifswald
    check({"spaces": [greifswald]})


# --- accessibility and layout ----------------------------------------------------------------------------------------

CONTRAST = """els => {
  const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return els.map((e) => {
    const s = getComputedStyle(e);
    const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  });
}"""


def test_keyboard_labels_contrast_and_a_laptop_screen(watched: PageWatch, hub_url: str) -> None:
    page = watched.page
    page.goto(hub_url)
    wait_ready(page, "uebersicht")
    assert page.get_attribute("html", "lang") == "de"

    # Every heatmap cell's number is readable on its colour (WCAG AA: 4.5:1).
    ratios = page.eval_on_selector_all("#heatmap td", CONTRAST)
    assert ratios and min(ratios) >= 4.5

    # The keyboard reaches everything: the skip link first, the views by their links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("nav.tabs a[data-view=netzwerk]")
    page.keyboard.press("Enter")
    wait_ready(page, "netzwerk")
    assert page.is_visible("#view-netzwerk") and not page.is_visible("#view-uebersicht")
    assert page.get_attribute("nav.tabs a[data-view=netzwerk]", "aria-current") == "page"

    for view in ("uebersicht", "netzwerk", "partner", "veranstaltungen"):
        page.goto(f"{hub_url}#/{view}")
        wait_ready(page, view)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                 .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map((e) => e.id || e.outerHTML)"""
        )
        assert unlabelled == []
        unnamed = page.evaluate(
            """() => [...document.querySelectorAll('button')]
                 .filter((e) => !e.textContent.trim() && !e.getAttribute('aria-label')).map((e) => e.outerHTML)"""
        )
        assert unnamed == []
        # Usable at 1366×768: nothing sticks out sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_the_page_is_served_whole_from_the_hub(hub_url: str) -> None:
    page = httpx.get(hub_url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    for module in sorted((WEB_DIR / "js").glob("*.js")):
        answer = httpx.get(f"{hub_url}static/js/{module.name}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/javascript")
        assert answer.text == module.read_text(encoding="utf-8")
    assert httpx.get(f"{hub_url}static/style.css").headers["content-type"].startswith("text/css")
    assert httpx.get(f"{hub_url}static/../api/app.py").status_code == 404
    # No file of the page names another host (the SVG namespace is a name, not a download).
    for file in WEB_DIR.rglob("*"):
        if file.is_file() and "node_modules" not in file.parts:
            text = file.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
            assert not re.search(r"https?://", text), f"{file.name} names another host"
    # The rest of the hub still answers beside it.
    assert httpx.get(f"{hub_url}health").json()["status"] == "ok"
    assert httpx.get(f"{hub_url}calendar.ics").status_code == 200
