// The overview: key figures, the map of the centres and the theme heatmap for the chosen period.
//
// Activity comes from `activity` (all periods of the granularity, loaded once; the chosen range is cut here:
// events of different periods are different events, so per-period event counts add up), the map's lines and
// the cross-regional figures from `collaboration` and `crossRegional` for the chosen window.

import { gql } from "./api.js";
import { byGerman, fmt, h, showError, showStatus } from "./dom.js";
import { renderHeatmap } from "./heatmap.js";
import { renderMap } from "./map.js";
import { periodLabel } from "./periods.js";

const NONE = "none";
const keyOf = (node) => (node ? node.id : NONE);

export function createOverview(ctx) {
  const section = document.getElementById("view-uebersicht");
  const heatSpace = document.getElementById("heat-space");
  const heatSpaceLabel = document.querySelector(".heat-space-label");
  let heatMode = "space";
  let links = null; // {key, collaboration, crossRegional}
  let prefetched = null; // {key, answer: Promise} of a links request sent before the first show()
  let generation = 0;

  function sums() {
    const range = new Set(ctx.range());
    const activity = ctx.activity();
    const bySpace = new Map();
    const byCell = new Map(); // `${theme}|${space}` and `${theme}|@${period}|${space}`
    const byTheme = new Map();
    const periodTotals = new Map();
    const spacePeriod = new Map();
    let events = 0;
    let newActors = 0;
    const add = (map, key, n) => map.set(key, (map.get(key) || 0) + n);
    for (const t of activity.spaceTotals) {
      if (!range.has(t.period)) continue;
      add(bySpace, keyOf(t.space), t.events);
      add(spacePeriod, `${keyOf(t.space)}|${t.period}`, t.events);
    }
    for (const t of activity.periodTotals) {
      if (!range.has(t.period)) continue;
      events += t.events;
      newActors += t.newActors;
      periodTotals.set(t.period, t.events);
    }
    const themesSeen = new Set();
    const spacesSeen = new Set();
    for (const c of activity.cells) {
      if (!range.has(c.period)) continue;
      const [theme, space] = [keyOf(c.theme), keyOf(c.space)];
      themesSeen.add(theme);
      spacesSeen.add(space);
      add(byCell, `${theme}|${space}`, c.events);
      add(byCell, `${theme}|@${c.period}|${space}`, c.events);
      add(byCell, `${theme}|@${c.period}|*`, c.events);
      add(byTheme, theme, c.events);
    }
    return { bySpace, byCell, byTheme, periodTotals, spacePeriod, events, newActors, themesSeen, spacesSeen };
  }

  function renderFigures(total) {
    const dl = document.getElementById("kpis");
    const figure = (label, value, note) => [h("div", { class: "kpi" }, h("dt", {}, label),
      h("dd", { dataset: { kpi: label } }, value), note ? h("dd", { class: "kpi-note" }, note) : null)];
    const strongest = links && links.collaboration.length ? links.collaboration[0] : null;
    dl.replaceChildren(
      ...figure("Veranstaltungen", fmt(total.events)),
      ...figure("Neue Akteure", fmt(total.newActors), "erstmals im Hub aktiv"),
      ...figure("Überregional aktive Akteure", links ? fmt(links.crossRegional.actorCount) : "…", "in mindestens zwei Zentren"),
      ...figure("Überregionale Projekte", links ? fmt(links.crossRegional.projectCount) : "…"),
      ...figure("Engste Zusammenarbeit", strongest ? strongest.label : links ? "–" : "…",
        strongest ? `${fmt(strongest.sharedActors)} gemeinsame Akteure` : null),
    );
  }

  function renderHeat(total) {
    const { state } = ctx;
    const themeRows = state.themes.map((t) => ({ key: t.id, label: t.label }));
    if (total.themesSeen.has(NONE)) themeRows.push({ key: NONE, label: "Ohne Thema" });
    themeRows.sort((a, b) => (a.key === NONE) - (b.key === NONE) || (total.byTheme.get(b.key) || 0) - (total.byTheme.get(a.key) || 0)
      || byGerman(a.label, b.label));
    const cell = (key) => total.byCell.get(key) || 0;
    const container = document.getElementById("heatmap");
    const heading = document.getElementById("h-heatmap");
    if (heatMode === "space") {
      const cols = state.spaces.map((sp) => ({ key: sp.id, label: sp.shortName || sp.name, title: sp.name }));
      if (total.spacesSeen.has(NONE)) cols.push({ key: NONE, label: "Ohne Zentrum" });
      heading.textContent = "Themen nach Zentren";
      renderHeatmap(container, {
        caption: `Veranstaltungen je Thema und Zentrum, ${ctx.rangeLabel()}. Eine Veranstaltung mit zwei Themen zählt in `
          + "beiden Zeilen; die letzte Zeile zählt jede Veranstaltung einmal.",
        rows: themeRows,
        cols,
        value: (theme, space) => cell(`${theme}|${space}`),
        rowTotal: (theme) => total.byTheme.get(theme) || 0,
        colTotal: (space) => total.bySpace.get(space) || 0,
        totalsLabel: "Veranstaltungen",
      });
    } else {
      const space = heatSpace.value || "*";
      const spaceName = space === "*" ? "alle Zentren" : (state.spaceById.get(space) || { name: space }).name;
      const cols = ctx.range().map((p) => ({ key: p, label: periodLabel(p) }));
      heading.textContent = "Themen im Zeitverlauf";
      renderHeatmap(container, {
        caption: `Veranstaltungen je Thema und Periode, ${spaceName}, ${ctx.rangeLabel()}.`,
        rows: themeRows,
        cols,
        value: (theme, period) => cell(`${theme}|@${period}|${space}`),
        rowTotal: (theme) => cols.reduce((n, col) => n + cell(`${theme}|@${col.key}|${space}`), 0),
        colTotal: (period) => (space === "*" ? total.periodTotals.get(period) || 0 : total.spacePeriod.get(`${space}|${period}`) || 0),
        totalsLabel: "Veranstaltungen",
      });
    }
  }

  function renderAll() {
    const total = sums();
    renderFigures(total);
    renderMap(document.getElementById("map"), {
      spaces: ctx.state.spaces,
      counts: total.bySpace,
      links: links ? links.collaboration : [],
      onSelect: (space) => ctx.views.veranstaltungen.showSpace(space.id),
    });
    renderHeat(total);
  }

  async function show() {
    const mine = ++generation;
    section.dataset.state = "loading";
    renderAll(); // the activity is already here: draw it at once, the links follow
    const key = ctx.windowKey();
    if (!links || links.key !== key) {
      showStatus(section, "Verbindungen zwischen den Zentren werden geladen …");
      try {
        const early = prefetched && prefetched.key === key ? prefetched.answer : null;
        prefetched = null;
        const data = await (early || gql("links", { window: ctx.window() }));
        if (mine !== generation) return;
        links = { key, collaboration: data.collaboration, crossRegional: data.crossRegional };
      } catch (error) {
        if (mine !== generation) return;
        showError(section, error, show);
        return;
      }
      renderAll();
    }
    showStatus(section, "");
    section.dataset.state = "ready";
    if (!performance.getEntriesByName("dashboard-overview-ready").length) performance.mark("dashboard-overview-ready");
  }

  /** Asks for the links of the whole range before the periods are known (the first view is the whole range). */
  function prefetch() {
    const answer = gql("links", { window: null });
    answer.catch(() => {}); // reported when show() uses it
    prefetched = { key: JSON.stringify(null), answer };
  }

  function init() {
    heatSpace.replaceChildren(h("option", { value: "" }, "Alle Zentren"),
      ...ctx.state.spaces.map((sp) => h("option", { value: sp.id }, sp.name)));
    for (const radio of document.querySelectorAll('input[name="heat-mode"]')) {
      radio.addEventListener("change", () => {
        heatMode = radio.value;
        heatSpace.hidden = heatMode !== "time";
        heatSpaceLabel.hidden = heatMode !== "time";
        renderHeat(sums());
      });
    }
    heatSpace.addEventListener("change", () => renderHeat(sums()));
  }

  return { init, show, prefetch };
}
