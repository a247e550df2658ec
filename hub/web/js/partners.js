// The partner finder: suggestions from `partners` for an actor or for themes, each with its reasons,
// the parts of its score and a path through the network.

import { gql } from "./api.js";
import { actorCombobox } from "./combobox.js";
import { byGerman, fmt, h, kindLabel, percent, showError, showStatus } from "./dom.js";

const SUGGESTIONS = 10;

export function createPartners(ctx) {
  const section = document.getElementById("view-partner");
  const form = document.getElementById("partner-form");
  const list = document.getElementById("partner-list");
  const formError = document.getElementById("partner-form-error");
  const chosenText = document.getElementById("partner-actor-chosen");
  const themesBox = document.getElementById("partner-themes-box");
  const actorBox = document.getElementById("partner-actor-combo");
  let actor = null; // {id, name}
  let combo = null;
  let generation = 0;

  const mode = () => form.querySelector('input[name="partner-mode"]:checked').value;

  function setMode(value) {
    form.querySelector(`input[name="partner-mode"][value="${value}"]`).checked = true;
    actorBox.hidden = value !== "actor";
    themesBox.hidden = value !== "themes";
  }

  function choose(picked) {
    actor = picked ? { id: picked.id, name: picked.name } : null;
    chosenText.textContent = actor ? `Gewählt: ${actor.name}` : "";
    formError.textContent = "";
  }

  function suggestion(item, rank) {
    const components = h("table", { class: "components" },
      h("caption", { class: "visually-hidden" }, "Zusammensetzung der Bewertung"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Anteil"), h("th", { scope: "col" }, "Wert"),
        h("th", { scope: "col" }, "Gewicht"))),
      h("tbody", {}, item.components.map((c) => {
        const bar = h("span", { class: "bar" });
        bar.style.width = `${Math.round(c.value * 100)}%`;
        return h("tr", {}, h("th", { scope: "row" }, c.label),
          h("td", {}, h("span", { class: "meter", "aria-hidden": "true" }, bar), ` ${percent(c.value)}`),
          h("td", {}, percent(c.weight)));
      })));
    const path = item.path.length
      ? h("p", { class: "path" }, h("span", { class: "path-label" }, "Weg im Netzwerk: "),
        [item.path[0].from, ...item.path.map((hop) => hop.to)].map((a) => (a ? a.name : "?")).join(" → "))
      : null;
    return h("li", { class: "suggestion", dataset: { actorId: item.actor.id } },
      h("div", { class: "s-head" },
        h("h4", {}, h("span", { class: "rank" }, `${rank}. `), h("span", { class: "s-name" }, item.actor.name)),
        h("span", { class: "kind" }, kindLabel(item.actor.kind)),
        h("span", { class: "score", title: "Gewichtete Summe der Anteile" }, `Passung ${percent(item.score)}`),
        item.alreadyConnected ? h("span", { class: "badge" }, "bereits verbunden") : null),
      h("p", { class: "s-spaces" }, `Aktiv in: ${item.spaces.map((sp) => sp.name).sort(byGerman).join(", ") || "–"}`),
      h("ul", { class: "reasons", "aria-label": "Gründe" }, item.reasons.map((reason) => h("li", {}, reason))),
      h("details", {}, h("summary", {}, "Zusammensetzung der Bewertung"), components),
      path);
  }

  async function run() {
    formError.textContent = "";
    const filter = {
      otherSpacesOnly: document.getElementById("partner-other-only").checked,
      includeConnected: document.getElementById("partner-connected").checked,
      includePersons: document.getElementById("partner-persons").checked,
    };
    let name;
    let variables;
    let subject;
    if (mode() === "actor") {
      if (!actor) {
        formError.textContent = "Bitte zuerst einen Akteur suchen und auswählen.";
        return;
      }
      [name, variables, subject] = ["partnersForActor", { actor: actor.id, filter, first: SUGGESTIONS }, actor.name];
    } else {
      const themes = [...form.querySelectorAll('#partner-themes input:checked')].map((input) => input.value);
      if (!themes.length) {
        formError.textContent = "Bitte mindestens ein Thema auswählen.";
        return;
      }
      const forSpace = document.getElementById("partner-for-space").value || null;
      [name, variables] = ["partnersForThemes", { themes, forSpace, filter, first: SUGGESTIONS }];
      subject = themes.map((id) => (ctx.state.themeById.get(id) || { label: id }).label).join(", ");
    }
    const mine = ++generation;
    section.dataset.state = "loading";
    showStatus(section, "Vorschläge werden berechnet …");
    list.replaceChildren();
    let data;
    try {
      data = await gql(name, variables);
    } catch (error) {
      if (mine === generation) showError(section, error, run);
      return;
    }
    if (mine !== generation) return;
    const items = data.partners;
    showStatus(section, items.length
      ? `${fmt(items.length)} Vorschläge für ${subject}, beste zuerst.`
      : `Keine Vorschläge für ${subject} gefunden. Vielleicht helfen weniger strenge Optionen.`);
    list.replaceChildren(...items.map((item, i) => suggestion(item, i + 1)));
    section.dataset.state = "ready";
  }

  function init() {
    combo = actorCombobox(actorBox, choose);
    document.getElementById("partner-actor").addEventListener("input", () => choose(null));
    const box = document.getElementById("partner-themes");
    const themes = [...ctx.state.themes].sort((a, b) => byGerman(a.label, b.label));
    box.append(...themes.map((t) => h("div", { class: "check" },
      h("input", { type: "checkbox", id: `pt-${t.id}`, value: t.id }), h("label", { for: `pt-${t.id}` }, t.label))));
    document.getElementById("partner-for-space").append(
      ...ctx.state.spaces.map((sp) => h("option", { value: sp.id }, sp.name)));
    for (const radio of form.querySelectorAll('input[name="partner-mode"]')) {
      radio.addEventListener("change", () => setMode(radio.value));
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
  }

  function show() {
    if (section.dataset.state === "idle") section.dataset.state = "ready";
  }

  /** Opens the finder for an actor (from the network view) and runs it. */
  function findFor(picked) {
    setMode("actor");
    combo.set(picked);
    choose(picked);
    ctx.go("partner");
    run();
  }

  return { init, show, findFor };
}
