// The network view: the cross-regional network (from `crossRegional` for the chosen window), actor search,
// and the details of the chosen node with its neighbourhood.

import { gql } from "./api.js";
import { actorCombobox } from "./combobox.js";
import { KIND_LABELS, byGerman, fmt, h, kindLabel, showError, showStatus } from "./dom.js";
import { CENTRE_COLOUR, KIND_COLOURS, NetworkView, PROJECT_COLOUR } from "./network.js";

const PROJECTS_SHOWN = 30;

export function createNetwork(ctx) {
  const section = document.getElementById("view-netzwerk");
  const details = document.getElementById("net-details");
  const size = document.getElementById("net-size");
  const persons = document.getElementById("net-persons");
  let loadedKey = null;
  let generation = 0;
  let detailGeneration = 0;
  const view = new NetworkView(document.getElementById("network"), { onSelect: (node) => showDetails(node) });

  function legend(kinds) {
    const item = (colour, label, shape = "circle") => h("li", {}, h("span", { class: `swatch ${shape}`, "aria-hidden": "true",
      dataset: { colour } }), label);
    const items = [item(CENTRE_COLOUR, "Zentrum"), item(PROJECT_COLOUR, "Projekt", "diamond"),
      ...[...kinds].sort().map((kind) => item(KIND_COLOURS[kind] || "#555", KIND_LABELS[kind] || kind))];
    const list = document.getElementById("net-legend");
    list.replaceChildren(...items);
    for (const swatch of list.querySelectorAll(".swatch")) swatch.style.backgroundColor = swatch.dataset.colour;
  }

  async function show() {
    const key = `${ctx.windowKey()}|${size.value}|${persons.checked}`;
    if (loadedKey === key) {
      section.dataset.state = "ready";
      return;
    }
    const mine = ++generation;
    section.dataset.state = "loading";
    showStatus(section, "Netzwerk wird geladen …");
    let data;
    try {
      data = await gql("network", { window: ctx.window(), actors: Number(size.value), projects: PROJECTS_SHOWN });
    } catch (error) {
      if (mine === generation) showError(section, error, show);
      return;
    }
    if (mine !== generation) return;
    const cross = data.crossRegional;
    // Persons are personal data: shown only when asked for (as in the partner finder).
    const actors = cross.actors.filter((a) => a.actor && (persons.checked || a.actor.kind !== "PERSON"));
    const left = cross.actors.length - actors.length;
    view.setData({ spaces: ctx.state.spaces, actors, projects: cross.projects });
    legend(new Set(actors.map((a) => a.actor.kind)));
    document.getElementById("net-summary").textContent =
      `${fmt(cross.actorCount)} Akteure und ${fmt(cross.projectCount)} Projekte sind in mindestens zwei Zentren aktiv `
      + `(${ctx.rangeLabel()}). Gezeigt: ${fmt(actors.length)} Akteure mit den meisten Zentren`
      + `${left ? ` (${fmt(left)} Personen ausgeblendet)` : ""} und ${fmt(cross.projects.length)} Projekte.`;
    loadedKey = key;
    if (view.selected) showDetails(view.byId.get(view.selected));
    else showDetails(null);
    showStatus(section, "");
    section.dataset.state = "ready";
  }

  function neighbourList(node) {
    const around = view.neighbours(node.id).sort((a, b) => a.type.localeCompare(b.type) || byGerman(a.name, b.name));
    if (!around.length) return h("p", { class: "hint" }, "Keine Verbindungen im Bild.");
    const label = { space: "Zentrum", project: "Projekt", actor: "Akteur" };
    return h("ul", { class: "neighbours", "aria-label": "Nachbarn im Netzwerk" }, around.map((n) => h("li", { dataset: { id: n.id } },
      h("button", { type: "button", class: "link", onclick: () => view.select(n.id) }, n.name),
      h("span", { class: "meta" }, ` ${label[n.type]}`))));
  }

  async function showDetails(node) {
    const mine = ++detailGeneration;
    details.dataset.state = "loading";
    if (!node) {
      details.replaceChildren(h("h3", { id: "h-net-details" }, "Auswahl"),
        h("p", { class: "hint" }, "Einen Knoten anklicken, mit den Pfeiltasten ansteuern (Eingabetaste wählt aus) oder "
          + "einen Akteur suchen: seine Nachbarschaft wird hervorgehoben. Mausrad oder +/− zoomt, Ziehen verschiebt."));
      details.dataset.state = "ready";
      return;
    }
    const head = [h("h3", { id: "h-net-details" }, node.name)];
    if (node.type === "space") {
      details.replaceChildren(...head, h("p", { class: "meta" }, "Innovationszentrum"),
        h("h4", {}, `Verbunden mit ${fmt(node.neighbours.size)} Akteuren und Projekten im Bild`), neighbourList(node),
        h("button", { type: "button", onclick: () => ctx.views.veranstaltungen.showSpace(node.id) }, "Veranstaltungen zeigen"));
      details.dataset.state = "ready";
      return;
    }
    if (node.type === "project") {
      details.replaceChildren(...head, h("p", { class: "meta" },
        `Projekt · ${fmt(node.events)} Veranstaltungen · ${fmt(node.contributors)} Beteiligte`),
      h("h4", {}, "Nachbarschaft"), neighbourList(node));
      details.dataset.state = "ready";
      return;
    }
    details.replaceChildren(...head, h("p", { class: "meta" }, `${kindLabel(node.kind)} · wird geladen …`),
      h("h4", {}, "Nachbarschaft im Netzwerk"), neighbourList(node));
    let actor;
    try {
      actor = (await gql("actor", { id: node.id })).node;
    } catch (error) {
      if (mine !== detailGeneration) return;
      details.append(h("p", { class: "error", role: "alert" }, `Fehler: ${error.message}`));
      details.dataset.state = "error";
      return;
    }
    if (mine !== detailGeneration) return;
    if (!actor) {
      details.append(h("p", { class: "hint" }, "Diesen Akteur gibt es nicht mehr."));
      details.dataset.state = "ready";
      return;
    }
    const names = (list) => (list.length ? list.map((x) => x.name).join(", ") : "–");
    details.replaceChildren(...head,
      h("p", { class: "meta" }, [kindLabel(actor.kind), actor.homeSpace ? `ansässig bei ${actor.homeSpace.name}` : null,
        `${fmt(actor.events.totalCount)} Veranstaltungen insgesamt`].filter(Boolean).join(" · ")),
      h("dl", { class: "facts" },
        h("dt", {}, "Aktiv in"), h("dd", { dataset: { field: "spaces" } }, names(actor.spaces)),
        h("dt", {}, "Projekte"), h("dd", { dataset: { field: "projects" } }, names(actor.projects))),
      h("h4", {}, "Nachbarschaft im Netzwerk"), neighbourList(node),
      h("button", { type: "button", class: "primary", onclick: () => ctx.views.partner.findFor(actor) },
        "Partner für diesen Akteur finden"));
    details.dataset.state = "ready";
  }

  async function focusActor(picked) {
    if (section.dataset.state !== "ready") await show();
    if (!view.byId.has(picked.id)) {
      try {
        const actor = (await gql("actor", { id: picked.id })).node;
        if (actor) view.addActor(actor);
      } catch (error) {
        showError(section, error, () => focusActor(picked));
        return;
      }
    }
    view.select(picked.id);
  }

  function init() {
    actorCombobox(document.getElementById("net-search-combo"), focusActor);
    for (const control of [size, persons]) {
      control.addEventListener("change", () => {
        section.dataset.state = "loading";
        show();
      });
    }
    document.getElementById("zoom-in").addEventListener("click", () => view.zoomBy(1.25));
    document.getElementById("zoom-out").addEventListener("click", () => view.zoomBy(0.8));
    document.getElementById("zoom-reset").addEventListener("click", () => view.resetZoom());
  }

  function periodChanged() {
    if (ctx.state.view !== "netzwerk") section.dataset.state = "idle";
  }

  return { init, show, periodChanged };
}
