// The overview map: Mecklenburg-Vorpommern's outline with the six centres placed by their coordinates,
// each circle's area proportional to its events in the chosen period, lines for the links between centres.

import { fmt, s } from "./dom.js";
import { outlinePath, projection } from "./mv.js";

const WIDTH = 600;
const R_MIN = 5;
const R_MAX = 28;

/**
 * Draws the map into `container`.
 * spaces: [{id, name, shortName, latitude, longitude}]; counts: Map(spaceId -> events);
 * links: [{a: {id}, b: {id}, weight, label, sharedActors, sharedProjects, sharedEvents}];
 * onSelect(space): called when a centre is chosen (click, Enter or Space).
 */
export function renderMap(container, { spaces, counts, links, onSelect }) {
  const { project, height } = projection(WIDTH);
  const placed = spaces.filter((sp) => sp.latitude !== null && sp.longitude !== null);
  const where = new Map(placed.map((sp) => [sp.id, project([sp.longitude, sp.latitude])]));
  const max = Math.max(1, ...placed.map((sp) => counts.get(sp.id) || 0));
  const radius = (n) => (n > 0 ? R_MIN + (R_MAX - R_MIN) * Math.sqrt(n / max) : R_MIN - 2);
  const maxWeight = Math.max(1, ...links.map((l) => l.weight));

  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, class: "mv-map", role: "group",
    "aria-label": "Karte Mecklenburg-Vorpommerns mit den Innovationszentren",
  });
  svg.append(s("path", { d: outlinePath(project), class: "land", "aria-hidden": "true" }));

  const lines = s("g", { class: "links", "aria-hidden": "true" });
  for (const link of links) {
    const [a, b] = [where.get(link.a && link.a.id), where.get(link.b && link.b.id)];
    if (!a || !b || link.weight <= 0) continue;
    lines.append(s("line", {
      x1: a[0], y1: a[1], x2: b[0], y2: b[1], "stroke-width": (1 + 5 * (link.weight / maxWeight)).toFixed(2),
    }, s("title", {}, `${link.label}: ${fmt(link.sharedActors)} gemeinsame Akteure, ${fmt(link.sharedProjects)} `
      + `Projekte, ${fmt(link.sharedEvents)} Veranstaltungen`)));
  }
  svg.append(lines);

  // Larger circles first, so a small one is never hidden under a big neighbour.
  const ordered = [...placed].sort((x, y) => (counts.get(y.id) || 0) - (counts.get(x.id) || 0));
  const circles = ordered.map((sp) => ({ id: sp.id, xy: where.get(sp.id), r: radius(counts.get(sp.id) || 0) }));
  const taken = [];
  for (const sp of ordered) {
    const [x, y] = where.get(sp.id);
    const n = counts.get(sp.id) || 0;
    const r = radius(n);
    const label = `${sp.name}: ${fmt(n)} Veranstaltungen im Zeitraum`;
    const name = sp.shortName || sp.name;
    const [tx, ty, anchor] = placeLabel(x, y, r, name, fmt(n), circles.filter((c) => c.id !== sp.id), taken, height);
    const node = s("g", {
      class: "centre", tabindex: 0, role: "button", "aria-label": `${label}. Veranstaltungen anzeigen`,
      dataset: { spaceId: sp.id, events: String(n) },
    },
    s("title", {}, label),
    s("circle", { cx: x, cy: y, r: r.toFixed(2) }),
    s("text", { x: tx, y: ty, "text-anchor": anchor, class: "centre-name" }, name),
    s("text", { x: tx, y: ty + 15, "text-anchor": anchor, class: "centre-count" }, fmt(n)));
    const choose = () => onSelect && onSelect(sp);
    node.addEventListener("click", choose);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    svg.append(node);
  }
  container.replaceChildren(svg);
}

/**
 * Where a centre's two-line label goes: below, above, right or left of its circle, the first place that
 * overlaps no other circle and no label placed before (else the place with the least overlap).
 * Returns [x, y of the first line's baseline, text-anchor]; `taken` receives the chosen box.
 */
function placeLabel(x, y, r, name, count, others, taken, height) {
  const w = Math.max(name.length * 8.2, count.length * 7.5) + 4;
  const hgt = 32;
  const candidates = [
    [x, y + r + 15, "middle", x - w / 2, y + r + 2],
    [x, y - r - 21, "middle", x - w / 2, y - r - 34],
    [x + r + 6, y - 2, "start", x + r + 4, y - 15],
    [x - r - 6, y - 2, "end", x - r - 4 - w, y - 15],
  ];
  const overlap = (bx, by) => {
    let total = 0;
    for (const c of others) {
      const [cx, cy] = c.xy;
      const nx = Math.max(bx, Math.min(cx, bx + w));
      const ny = Math.max(by, Math.min(cy, by + hgt));
      const d = Math.hypot(cx - nx, cy - ny);
      if (d < c.r + 2) total += c.r + 2 - d;
    }
    for (const b of taken) {
      const ox = Math.min(bx + w, b[0] + b[2]) - Math.max(bx, b[0]);
      const oy = Math.min(by + hgt, b[1] + b[3]) - Math.max(by, b[1]);
      if (ox > 0 && oy > 0) total += Math.min(ox, oy);
    }
    if (by < 0 || by + hgt > height) total += 50;
    return total;
  };
  let best = candidates[0];
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const score = overlap(candidate[3], candidate[4]);
    if (score < bestScore - 1e-6) [best, bestScore] = [candidate, score];
    if (score === 0) break;
  }
  taken.push([best[3], best[4], w, hgt]);
  return best.slice(0, 3);
}
