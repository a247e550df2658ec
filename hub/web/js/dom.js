// Small DOM helpers, German labels and number formats shared by the views.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h("a", {href: "#"}, "Text", otherNode). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export const numberFormat = new Intl.NumberFormat("de-DE");
export const fmt = (n) => numberFormat.format(n);
export const percent = (x) => `${Math.round(x * 100)} %`;

const dateTimeFormat = new Intl.DateTimeFormat("de-DE", {
  weekday: "short", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
  timeZone: "UTC",
});

/** An ISO date-time with offset ("2026-03-05T18:00:00+01:00") as the wall-clock time it names. */
export function localDateTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
  if (!m) return iso || "";
  // The wall-clock fields as written (the event's own zone), whatever the browser's zone: format them as UTC.
  return dateTimeFormat.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])));
}

export const KIND_LABELS = {
  COMPANY: "Unternehmen",
  STARTUP: "Start-up",
  UNIVERSITY: "Hochschule",
  RESEARCH: "Forschungseinrichtung",
  PUBLIC_BODY: "Öffentliche Stelle",
  ASSOCIATION: "Verein oder Verband",
  ORGANISATION: "Organisation",
  PERSON: "Person",
};

export const STATUS_LABELS = {
  SCHEDULED: "Geplant",
  TENTATIVE: "Vorläufig",
  CHANGED: "Geändert",
  CANCELLED: "Abgesagt",
  REMOVED: "Nicht mehr im Feed",
};

export const kindLabel = (kind) => KIND_LABELS[kind] || kind;

/** German collation for sorting names and labels. */
export const byGerman = (a, b) => a.localeCompare(b, "de");

/** A view's status line: a message (role=status), or a visible German error with a retry button. */
export function showStatus(view, message) {
  const box = view.querySelector('[data-role="status"]');
  box.replaceChildren(message ? h("p", { class: "loading" }, message) : "");
}

export function showError(view, error, retry) {
  const box = view.querySelector('[data-role="status"]');
  const detail = error && error.detail ? error.detail : String(error && error.message ? error.message : error);
  const message = error && error.name === "ApiError" ? error.message : "Die Daten konnten nicht geladen werden.";
  box.replaceChildren(
    h("div", { class: "error", role: "alert" },
      h("p", {}, h("strong", {}, "Fehler: "), message),
      h("p", { class: "detail" }, `Technische Angabe: ${detail}`),
      retry ? h("button", { type: "button", onclick: retry }, "Erneut versuchen") : null),
  );
  view.dataset.state = "error";
}

/** Calls fn at most once per `ms` of quiet. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
