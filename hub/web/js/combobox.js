// An accessible autocomplete (WAI-ARIA combobox with a listbox popup) over the API's actor search.
// Arrow keys move through the options, Enter picks one, Escape closes the list.

import { ApiError, gql } from "./api.js";
import { debounce, h, kindLabel } from "./dom.js";

const MIN_CHARS = 2;
const MAX_OPTIONS = 8;

/**
 * Wires the combobox inside `root` (an input[role=combobox] and a ul[role=listbox]).
 * onPick({id, name, kind}) is called with the chosen actor.
 */
export function actorCombobox(root, onPick) {
  const input = root.querySelector("[role=combobox]");
  const list = root.querySelector("[role=listbox]");
  const status = root.querySelector('[data-role="combo-status"]');
  let options = [];
  let active = -1;
  let generation = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0 && list.children[index]) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const pick = (index) => {
    const chosen = options[index];
    if (!chosen) return;
    input.value = chosen.name;
    close();
    onPick(chosen);
  };

  const render = (found, text) => {
    options = found;
    list.replaceChildren(...found.map((actor, i) => {
      const li = h("li", { role: "option", id: `${list.id}-${i}`, "aria-selected": "false", dataset: { id: actor.id } },
        h("span", { class: "option-name" }, actor.name),
        h("span", { class: "option-meta" },
          [kindLabel(actor.kind), actor.homeSpace ? actor.homeSpace.shortName : null].filter(Boolean).join(" · ")));
      li.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the input
      li.addEventListener("click", () => pick(i));
      return li;
    }));
    list.dataset.query = text;
    if (found.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
      status.textContent = `${found.length} Treffer, mit Pfeiltasten auswählen`;
    } else {
      list.replaceChildren(h("li", { class: "empty", role: "option", "aria-disabled": "true", "aria-selected": "false",
        id: `${list.id}-none` }, "Keine Treffer"));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = "Keine Treffer";
    }
  };

  const search = debounce(async (text) => {
    const mine = ++generation;
    try {
      const data = await gql("searchActors", { text, first: MAX_OPTIONS });
      if (mine !== generation) return;
      render(data.search.map((hit) => hit.node).filter((node) => node && node.id), text);
    } catch (error) {
      if (mine !== generation) return;
      options = [];
      const message = error instanceof ApiError ? error.message : "Die Suche ist fehlgeschlagen.";
      list.replaceChildren(h("li", { class: "empty error-text", role: "option", "aria-disabled": "true",
        "aria-selected": "false", id: `${list.id}-error` }, `Fehler: ${message}`));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = message;
    }
  }, 180);

  input.addEventListener("input", () => {
    const text = input.value.trim();
    if (text.replace(/[^\p{L}\p{N}]/gu, "").length < MIN_CHARS) {
      generation++;
      close();
      return;
    }
    search(text);
  });

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter") {
      if (open) {
        event.preventDefault();
        pick(active >= 0 ? active : 0);
      }
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 120));

  return {
    set(actor) {
      input.value = actor ? actor.name : "";
      close();
    },
  };
}
