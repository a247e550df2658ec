// The dashboard's entry point: loads the centres, themes and activity, runs the period selection and the
// views (#/uebersicht, #/netzwerk, #/partner, #/veranstaltungen). Every number comes from /graphql.

import { gql, nodes } from "./api.js";
import { byGerman, h, showError, showStatus } from "./dom.js";
import { createEvents } from "./events.js";
import { createNetwork } from "./netview.js";
import { createOverview } from "./overview.js";
import { createPartners } from "./partners.js";
import { fillPeriods, periodEnd, periodLabel, periodStart } from "./periods.js";

const VIEWS = ["uebersicht", "netzwerk", "partner", "veranstaltungen"];
const $ = (id) => document.getElementById(id);

const state = {
  spaces: [],
  spaceById: new Map(),
  themes: [],
  themeById: new Map(),
  granularity: "QUARTER",
  activity: new Map(), // granularity -> the API's activity answer
  periods: [], // every period of the granularity from the first to the last with events
  from: 0,
  to: -1,
  view: null,
};

/** The period selection and the data every view shares. */
const ctx = {
  state,
  /** The chosen periods, ascending. */
  range() {
    return state.periods.slice(state.from, state.to + 1);
  },
  /** The chosen window as the API takes it ({from, to}: local days, `to` exclusive), null for everything. */
  window() {
    if (!state.periods.length || (state.from === 0 && state.to === state.periods.length - 1)) return null;
    return { from: periodStart(state.periods[state.from]), to: periodEnd(state.periods[state.to]) };
  },
  windowKey() {
    return JSON.stringify(ctx.window());
  },
  /** "Q1 2026 – Q4 2026", or "gesamter Zeitraum (…)" */
  rangeLabel() {
    if (!state.periods.length) return "keine Daten";
    const [first, last] = [state.periods[state.from], state.periods[state.to]];
    const text = first === last ? periodLabel(first) : `${periodLabel(first)} – ${periodLabel(last)}`;
    return ctx.window() ? text : `gesamter Zeitraum (${text})`;
  },
  activity() {
    return state.activity.get(state.granularity);
  },
  go(view) {
    window.location.hash = `#/${view}`;
  },
  views: {},
};

async function loadMeta() {
  const data = await gql("meta");
  state.spaces = nodes(data.spaces).sort((a, b) => byGerman(a.name, b.name));
  state.spaceById = new Map(state.spaces.map((sp) => [sp.id, sp]));
  state.themes = nodes(data.themes);
  state.themeById = new Map(state.themes.map((t) => [t.id, t]));
}

async function loadActivity(granularity) {
  if (!state.activity.has(granularity)) {
    const data = await gql("activity", { granularity });
    state.activity.set(granularity, data.activity);
  }
  return state.activity.get(granularity);
}

// --- the period selection ------------------------------------------------------------------------------------

function fillPeriodSelects() {
  const [fromSelect, toSelect] = [$("period-from"), $("period-to")];
  const options = () => state.periods.map((p, i) => h("option", { value: String(i) }, periodLabel(p)));
  fromSelect.replaceChildren(...options());
  toSelect.replaceChildren(...options());
  fromSelect.value = String(state.from);
  toSelect.value = String(state.to);
  $("period-granularity").value = state.granularity;
  $("period-summary").textContent = `Zeitraum: ${ctx.rangeLabel()}`;
}

/** Switches to another granularity, keeping the chosen days as far as the new periods allow. */
async function setGranularity(granularity) {
  const before = ctx.window();
  const activity = await loadActivity(granularity);
  state.granularity = granularity;
  state.periods = fillPeriods(activity.periods, granularity);
  state.from = 0;
  state.to = state.periods.length - 1;
  if (before) {
    const from = state.periods.findIndex((p) => periodEnd(p) > before.from);
    const to = state.periods.findLastIndex((p) => periodStart(p) < before.to);
    if (from >= 0 && to >= from) [state.from, state.to] = [from, to];
  }
  fillPeriodSelects();
}

function periodChanged() {
  fillPeriodSelects();
  for (const view of Object.values(ctx.views)) view.periodChanged && view.periodChanged();
  const current = ctx.views[state.view];
  if (current) current.show();
}

function wirePeriod() {
  const [granularity, fromSelect, toSelect, all] =
    [$("period-granularity"), $("period-from"), $("period-to"), $("period-all")];
  granularity.addEventListener("change", async () => {
    markLoading();
    try {
      await setGranularity(granularity.value);
      periodChanged();
    } catch (error) {
      showError(document.getElementById(`view-${state.view}`), error, () => granularity.dispatchEvent(new Event("change")));
    }
  });
  fromSelect.addEventListener("change", () => {
    state.from = Number(fromSelect.value);
    if (state.to < state.from) state.to = state.from;
    markLoading();
    periodChanged();
  });
  toSelect.addEventListener("change", () => {
    state.to = Number(toSelect.value);
    if (state.from > state.to) state.from = state.to;
    markLoading();
    periodChanged();
  });
  all.addEventListener("click", () => {
    state.from = 0;
    state.to = state.periods.length - 1;
    markLoading();
    periodChanged();
  });
}

/** Marks the visible view as loading at once, so nobody reads its old numbers as the new ones. */
function markLoading() {
  const section = document.getElementById(`view-${state.view}`);
  if (section && section.dataset.state !== "idle") section.dataset.state = "loading";
}

// --- views -------------------------------------------------------------------------------------------------------

function route({ focus } = { focus: false }) {
  const wanted = (window.location.hash.match(/^#\/([\w-]+)/) || [])[1];
  const view = VIEWS.includes(wanted) ? wanted : "uebersicht";
  state.view = view;
  for (const name of VIEWS) {
    document.getElementById(`view-${name}`).hidden = name !== view;
    const link = document.querySelector(`nav.tabs a[data-view="${name}"]`);
    if (name === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${document.querySelector(`nav.tabs a[data-view="${view}"]`).textContent} – MV Innovation Hub`;
  if (focus) {
    const heading = document.querySelector(`#view-${view} h2`);
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  ctx.views[view].show();
}

function reportUnexpected(message) {
  const box = $("global-error");
  box.replaceChildren(h("p", {}, h("strong", {}, "Unerwarteter Fehler: "), message,
    " Bitte laden Sie die Seite neu."));
  box.hidden = false;
}

async function start() {
  window.addEventListener("error", (event) => reportUnexpected(event.message || "Skriptfehler."));
  window.addEventListener("unhandledrejection", (event) => reportUnexpected(String(event.reason && event.reason.message
    ? event.reason.message : event.reason)));
  ctx.views = {
    uebersicht: createOverview(ctx),
    netzwerk: createNetwork(ctx),
    partner: createPartners(ctx),
    veranstaltungen: createEvents(ctx),
  };
  const overview = document.getElementById("view-uebersicht");
  showStatus(overview, "Daten werden geladen …");
  // The overview's links for the whole range are asked at once too: the hub computes them beside the activity.
  ctx.views.uebersicht.prefetch();
  try {
    await Promise.all([loadMeta(), loadActivity(state.granularity)]);
    await setGranularity(state.granularity);
  } catch (error) {
    showError(overview, error, () => window.location.reload());
    document.documentElement.dataset.state = "error";
    return;
  }
  for (const id of ["period-granularity", "period-from", "period-to", "period-all"]) $(id).disabled = false;
  wirePeriod();
  for (const view of Object.values(ctx.views)) view.init && view.init();
  window.addEventListener("hashchange", () => route({ focus: true }));
  route();
  document.documentElement.dataset.state = "ready";
  performance.mark("dashboard-interactive"); // controls work; bench/dashboard.py reads these marks

}

start();
