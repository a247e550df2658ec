// The event list: `events(filter: …)` by centre, theme, status, text and the chosen period, page by page.

import { gql, nodes } from "./api.js";
import { STATUS_LABELS, byGerman, debounce, fmt, h, localDateTime, showError, showStatus } from "./dom.js";
import { berlinMidnight } from "./periods.js";

const PAGE = 25;

export function createEvents(ctx) {
  const section = document.getElementById("view-veranstaltungen");
  const form = document.getElementById("events-form");
  const tbody = document.querySelector("#events-table tbody");
  const more = document.getElementById("ev-more");
  const count = document.getElementById("events-count");
  const [space, theme, status, text, inPeriod] =
    ["ev-space", "ev-theme", "ev-status", "ev-text", "ev-period"].map((id) => document.getElementById(id));
  let loadedKey = null;
  let cursor = null;
  let generation = 0;

  /** The API filter the controls ask for. */
  function filter() {
    const f = {};
    if (space.value) f.spaces = [space.value];
    if (theme.value) f.themes = [theme.value];
    if (status.value) f.statuses = [status.value];
    if (text.value.trim()) f.text = text.value.trim();
    const window = inPeriod.checked ? ctx.window() : null;
    if (window) {
      f.from = berlinMidnight(window.from);
      f.to = berlinMidnight(window.to);
    }
    return f;
  }

  function row(event) {
    const title = event.url ? h("a", { href: event.url, rel: "noopener noreferrer" }, event.title) : event.title;
    return h("tr", { dataset: { id: event.id } },
      h("td", { class: "when" }, localDateTime(event.localStart)),
      h("td", { class: "title" }, title),
      h("td", {}, event.space ? event.space.name : "–"),
      h("td", {}, event.themes.map((t) => t.label).sort(byGerman).join(", ") || "–"),
      h("td", { class: `status status-${event.status.toLowerCase()}` }, STATUS_LABELS[event.status] || event.status));
  }

  async function load({ append = false } = {}) {
    const f = filter();
    const key = JSON.stringify(f);
    const mine = ++generation;
    section.dataset.state = "loading";
    showStatus(section, "Veranstaltungen werden geladen …");
    let page;
    try {
      page = (await gql("events", { filter: f, first: PAGE, after: append ? cursor : null })).events;
    } catch (error) {
      if (mine === generation) showError(section, error, () => load({ append }));
      return;
    }
    if (mine !== generation) return;
    const rows = nodes(page).map(row);
    if (append) tbody.append(...rows);
    else tbody.replaceChildren(...rows);
    if (!append && !rows.length) {
      tbody.replaceChildren(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "Keine Veranstaltungen für diese Auswahl.")));
    }
    cursor = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    const shown = tbody.querySelectorAll("tr[data-id]").length;
    count.textContent = `${fmt(page.totalCount)} Veranstaltungen${inPeriod.checked ? ` (${ctx.rangeLabel()})` : ""}`
      + (page.totalCount > shown ? `, ${fmt(shown)} angezeigt` : "");
    count.dataset.total = String(page.totalCount);
    loadedKey = key;
    showStatus(section, "");
    section.dataset.state = "ready";
  }

  function show() {
    if (loadedKey === JSON.stringify(filter())) {
      section.dataset.state = "ready";
      return;
    }
    load();
  }

  function init() {
    space.append(...ctx.state.spaces.map((sp) => h("option", { value: sp.id }, sp.name)));
    const themes = [...ctx.state.themes].sort((a, b) => byGerman(a.label, b.label));
    theme.append(...themes.map((t) => h("option", { value: t.id }, t.label)));
    for (const control of [space, theme, status, inPeriod]) {
      control.addEventListener("change", () => {
        section.dataset.state = "loading";
        load();
      });
    }
    const typed = debounce(() => load(), 350);
    text.addEventListener("input", () => {
      section.dataset.state = "loading";
      typed();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      load();
    });
    document.getElementById("ev-reset").addEventListener("click", () => {
      space.value = "";
      theme.value = "";
      status.value = "";
      text.value = "";
      inPeriod.checked = true;
      load();
    });
    more.addEventListener("click", () => load({ append: true }));
  }

  function periodChanged() {
    if (ctx.state.view !== "veranstaltungen") section.dataset.state = "idle";
  }

  /** Shows the events of one centre (from the map or the network). */
  function showSpace(spaceId) {
    space.value = spaceId;
    loadedKey = null;
    ctx.go("veranstaltungen");
    if (ctx.state.view === "veranstaltungen") load();
  }

  return { init, show, periodChanged, showSpace };
}
