// The theme heatmap: an HTML table (so screen readers read it as one), cells coloured by their count.
// Colours are a sequential blue scale; each step has a text colour with at least 4.5:1 contrast (WCAG AA).

import { fmt, h } from "./dom.js";

// [background, text]: dark text on the light steps, white on the dark ones.
export const SCALE = [
  ["#f4f6f8", "#4a5259"], // zero
  ["#e3eef9", "#1a1f24"],
  ["#c6dbef", "#1a1f24"],
  ["#9ecae1", "#1a1f24"],
  ["#6baed6", "#10161c"],
  ["#2b74b8", "#ffffff"],
  ["#155a9e", "#ffffff"],
  ["#083d78", "#ffffff"],
];

function shade(value, max) {
  if (!value) return SCALE[0];
  const step = Math.min(SCALE.length - 1, 1 + Math.floor((Math.sqrt(value / max) * (SCALE.length - 1)) - 1e-9));
  return SCALE[Math.max(1, step)];
}

/**
 * rows: [{key, label}]; cols: [{key, label, title}]; value(rowKey, colKey) -> number;
 * rowTotal(rowKey) and colTotal(colKey) -> number (totals count each event once); caption: text.
 */
export function renderHeatmap(container, { caption, rows, cols, value, rowTotal, colTotal, totalsLabel }) {
  let max = 1;
  for (const row of rows) for (const col of cols) max = Math.max(max, value(row.key, col.key));
  const table = h("table", { class: "heatmap" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col", class: "row-head" }, "Thema"),
      cols.map((col) => h("th", { scope: "col", title: col.title || col.label, dataset: { col: col.key } }, col.label)),
      h("th", { scope: "col", class: "total" }, "Summe"))),
    h("tbody", {}, rows.map((row) => h("tr", { dataset: { row: row.key } },
      h("th", { scope: "row", class: "row-head" }, row.label),
      cols.map((col) => {
        const n = value(row.key, col.key);
        const [bg, fg] = shade(n, max);
        const cell = h("td", { dataset: { row: row.key, col: col.key }, title: `${row.label} · ${col.title || col.label}: ${fmt(n)}` }, fmt(n));
        cell.style.backgroundColor = bg;
        cell.style.color = fg;
        return cell;
      }),
      h("td", { class: "total", dataset: { row: row.key, col: "total" } }, fmt(rowTotal(row.key)))))),
    h("tfoot", {}, h("tr", {},
      h("th", { scope: "row", class: "row-head" }, totalsLabel),
      cols.map((col) => h("td", { class: "total", dataset: { row: "total", col: col.key } }, fmt(colTotal(col.key)))),
      h("td", { class: "total" }, ""))),
  );
  container.replaceChildren(table);
}
