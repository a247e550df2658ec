// The cross-regional network: centres, the actors and projects active in several of them, and their links.
//
// Hand-written SVG rather than a graph library (cytoscape and the like draw on a canvas): every node here is
// an element with a name and a role, so keyboard users reach it (one tab stop, arrow keys between nodes)
// and screen readers announce it; and the page needs no third-party code at all. The graph is small (at most
// 100 actors and 30 projects, chosen by the API), so a simple force layout in the browser takes milliseconds.
// Centres stay where they are on the map of Mecklenburg-Vorpommern; actors and projects settle between
// the centres they are active in.

import { fmt, kindLabel, s } from "./dom.js";
import { outlinePath, projection } from "./mv.js";

const WIDTH = 1000;
const ITERATIONS = 260;
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 8;

export const KIND_COLOURS = {
  COMPANY: "#a34f00",
  STARTUP: "#2e7031",
  UNIVERSITY: "#6a1b9a",
  RESEARCH: "#4527a0",
  PUBLIC_BODY: "#ad1457",
  ASSOCIATION: "#00695c",
  ORGANISATION: "#5d4037",
  PERSON: "#4e5660",
};
export const PROJECT_COLOUR = "#7a5a00";
export const CENTRE_COLOUR = "#0b4f94";

/** A number in [0, 1) from a string, so the layout starts the same way every time. */
function hash(text, salt = 0) {
  let x = 2166136261 ^ salt;
  for (let i = 0; i < text.length; i++) {
    x ^= text.charCodeAt(i);
    x = Math.imul(x, 16777619);
  }
  return ((x >>> 0) % 100000) / 100000;
}

export class NetworkView {
  /** container: where the SVG goes; onSelect(node | null): a node was chosen (or the choice cleared). */
  constructor(container, { onSelect }) {
    this.container = container;
    this.onSelect = onSelect;
    this.nodes = [];
    this.edges = [];
    this.byId = new Map();
    this.selected = null;
    this.view = { k: 1, tx: 0, ty: 0 };
    const { project, height } = projection(WIDTH, 40);
    this.project = project;
    this.height = height;
  }

  /**
   * spaces: [{id, name, shortName, latitude, longitude}];
   * actors: crossRegional actors [{name, events, centres: [{events, activeIn, space: {id}}], actor: {id, kind, projects}}];
   * projects: crossRegional projects [{name, events, contributors, centres: [...], project: {id}}].
   */
  setData({ spaces, actors, projects }) {
    this.nodes = [];
    this.edges = [];
    this.byId = new Map();
    for (const sp of spaces) {
      if (sp.latitude === null || sp.longitude === null) continue;
      const [x, y] = this.project([sp.longitude, sp.latitude]);
      this.addNode({ id: sp.id, type: "space", name: sp.name, short: sp.shortName || sp.name, x, y, fixed: true, r: 16 });
    }
    for (const p of projects) {
      if (!p.project) continue;
      this.addNode({ id: p.project.id, type: "project", name: p.name, events: p.events, contributors: p.contributors,
        r: 5 + Math.min(7, Math.sqrt(p.events)) });
      for (const c of p.centres) this.addEdge(p.project.id, c.space.id, "hosts", c.events);
    }
    for (const a of actors) {
      if (!a.actor) continue;
      this.addNode({ id: a.actor.id, type: "actor", name: a.name, kind: a.actor.kind, events: a.events,
        r: 3.5 + Math.min(6.5, Math.sqrt(a.events) * 0.9) });
      for (const c of a.centres) this.addEdge(a.actor.id, c.space.id, c.events > 0 ? "active" : "member", c.events);
      for (const project of a.actor.projects || []) this.addEdge(a.actor.id, project.id, "contributes", 1);
    }
    this.layout();
    this.render();
  }

  addNode(node) {
    if (this.byId.has(node.id)) return this.byId.get(node.id);
    node.neighbours = new Set();
    this.nodes.push(node);
    this.byId.set(node.id, node);
    return node;
  }

  addEdge(a, b, kind, weight) {
    const [na, nb] = [this.byId.get(a), this.byId.get(b)];
    if (!na || !nb || na === nb || na.neighbours.has(b)) return;
    na.neighbours.add(b);
    nb.neighbours.add(a);
    this.edges.push({ a: na, b: nb, kind, weight });
  }

  /** Adds an actor the API found but the picture does not show, linked to what the picture has. */
  addActor(actor) {
    if (this.byId.has(actor.id)) return this.byId.get(actor.id);
    const node = this.addNode({ id: actor.id, type: "actor", name: actor.name, kind: actor.kind, events: 0, r: 6,
      extra: true });
    for (const sp of actor.spaces || []) this.addEdge(actor.id, sp.id, "member", 0);
    for (const p of actor.projects || []) this.addEdge(actor.id, p.id, "contributes", 1);
    this.place(node);
    this.render();
    return node;
  }

  place(node) {
    const around = [...node.neighbours].map((id) => this.byId.get(id)).filter((n) => n.x !== undefined);
    const cx = around.length ? around.reduce((t, n) => t + n.x, 0) / around.length : WIDTH / 2;
    const cy = around.length ? around.reduce((t, n) => t + n.y, 0) / around.length : this.height / 2;
    const angle = hash(node.id) * 2 * Math.PI;
    const dist = 20 + 40 * hash(node.id, 7);
    node.x = cx + Math.cos(angle) * dist;
    node.y = cy + Math.sin(angle) * dist;
  }

  /** Fruchterman-Reingold with the centres pinned; deterministic (no random numbers). */
  layout() {
    const moving = this.nodes.filter((n) => !n.fixed);
    for (const n of moving) this.place(n);
    const all = this.nodes;
    const k = 42;
    const k2 = k * k;
    for (let it = 0; it < ITERATIONS; it++) {
      const temperature = 28 * (1 - it / ITERATIONS) + 0.5;
      for (const n of all) { n.dx = 0; n.dy = 0; }
      for (let i = 0; i < all.length; i++) {
        const a = all[i];
        for (let j = i + 1; j < all.length; j++) {
          const b = all[j];
          let dx = a.x - b.x;
          let dy = a.y - b.y;
          let d2 = dx * dx + dy * dy;
          if (d2 < 0.01) { dx = 0.1 * (hash(a.id) - 0.5); dy = 0.1 * (hash(b.id) - 0.5); d2 = 0.01; }
          const minGap = a.r + b.r + 4;
          const force = (k2 / d2) * (d2 < minGap * minGap ? 4 : 1);
          a.dx += dx * force; a.dy += dy * force;
          b.dx -= dx * force; b.dy -= dy * force;
        }
      }
      for (const e of this.edges) {
        const dx = e.a.x - e.b.x;
        const dy = e.a.y - e.b.y;
        const d = Math.sqrt(dx * dx + dy * dy) || 0.1;
        const strength = e.kind === "contributes" ? 0.15 : e.kind === "member" ? 0.5 : 1 + Math.min(2, e.weight / 10);
        const force = (d / k) * strength;
        e.a.dx -= dx * force; e.a.dy -= dy * force;
        e.b.dx += dx * force; e.b.dy += dy * force;
      }
      for (const n of moving) {
        const d = Math.sqrt(n.dx * n.dx + n.dy * n.dy) || 1;
        const step = Math.min(d, temperature);
        n.x = Math.max(12, Math.min(WIDTH - 12, n.x + (n.dx / d) * step));
        n.y = Math.max(12, Math.min(this.height - 12, n.y + (n.dy / d) * step));
      }
    }
  }

  describe(node) {
    if (node.type === "space") return `Zentrum ${node.name}, ${node.neighbours.size} Verbindungen`;
    if (node.type === "project") {
      return `Projekt ${node.name}: ${fmt(node.events)} Veranstaltungen, ${fmt(node.contributors)} Beteiligte`;
    }
    return `${node.name} (${kindLabel(node.kind)}): ${fmt(node.events)} Veranstaltungen`;
  }

  /** The part of the plane the picture shows: the nodes with a margin, widened to the stage's shape. */
  frame() {
    const pad = 24;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of this.nodes) {
      x0 = Math.min(x0, n.x - n.r - (n.type === "space" ? 40 : 0));
      x1 = Math.max(x1, n.x + n.r + (n.type === "space" ? 40 : 0));
      y0 = Math.min(y0, n.y - n.r - 16);
      y1 = Math.max(y1, n.y + n.r + (n.type === "space" ? 20 : 4));
    }
    if (!Number.isFinite(x0)) return { x: 0, y: 0, w: WIDTH, h: this.height };
    let [w, h] = [x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
    const aspect = (this.container.clientWidth || 1000) / (this.container.clientHeight || 520);
    let [x, y] = [x0 - pad, y0 - pad];
    if (w / h < aspect) {
      const wider = h * aspect;
      x -= (wider - w) / 2;
      w = wider;
    } else {
      const taller = w / aspect;
      y -= (taller - h) / 2;
      h = taller;
    }
    return { x, y, w, h };
  }

  render() {
    this.box = this.frame();
    const { x, y, w, h } = this.box;
    const svg = s("svg", {
      viewBox: `${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`, class: "network-svg",
      "aria-label": "Netzwerkgrafik: Zentren, überregional aktive Akteure und Projekte", role: "group",
    });
    const viewport = s("g", { class: "viewport" });
    viewport.append(s("path", { d: outlinePath(this.project), class: "land", "aria-hidden": "true" }));
    const edgeLayer = s("g", { class: "edges", "aria-hidden": "true" });
    for (const e of this.edges) {
      e.el = s("line", { x1: e.a.x.toFixed(1), y1: e.a.y.toFixed(1), x2: e.b.x.toFixed(1), y2: e.b.y.toFixed(1),
        class: `edge ${e.kind}`, "stroke-width": e.kind === "contributes" ? 0.8 : (0.8 + Math.min(3, e.weight / 8)).toFixed(2) });
      edgeLayer.append(e.el);
    }
    viewport.append(edgeLayer);
    const nodeLayer = s("g", { class: "nodes" });
    const order = { space: 0, project: 1, actor: 2 };
    this.focusOrder = [...this.nodes].sort((x, y) => order[x.type] - order[y.type] || x.name.localeCompare(y.name, "de"));
    const drawOrder = [...this.nodes].sort((x, y) => order[y.type] - order[x.type]);
    for (const n of drawOrder) {
      const shape = n.type === "project"
        ? s("rect", { x: (n.x - n.r).toFixed(1), y: (n.y - n.r).toFixed(1), width: (2 * n.r).toFixed(1),
          height: (2 * n.r).toFixed(1), transform: `rotate(45 ${n.x.toFixed(1)} ${n.y.toFixed(1)})`, fill: PROJECT_COLOUR })
        : s("circle", { cx: n.x.toFixed(1), cy: n.y.toFixed(1), r: n.r.toFixed(1),
          fill: n.type === "space" ? CENTRE_COLOUR : KIND_COLOURS[n.kind] || "#555" });
      const labelY = n.type === "space" ? n.y + n.r + 15 : n.y - n.r - 5;
      n.el = s("g", {
        class: `node ${n.type}`, tabindex: -1, role: "button", "aria-label": this.describe(n),
        "aria-pressed": "false", dataset: { id: n.id, type: n.type },
      },
      shape,
      s("text", { x: n.x.toFixed(1), y: labelY.toFixed(1), "text-anchor": "middle", class: "label" },
        n.type === "space" ? n.short : n.name));
      n.el.addEventListener("click", (event) => { event.stopPropagation(); this.select(n.id); });
      nodeLayer.append(n.el);
    }
    viewport.append(nodeLayer);
    svg.append(viewport);
    this.svg = svg;
    this.viewport = viewport;
    this.nodeLayer = nodeLayer;
    this.wire();
    this.container.replaceChildren(svg);
    this.applyView();
    const first = (this.selected && this.byId.get(this.selected)) || this.focusOrder[0];
    if (first) first.el.setAttribute("tabindex", "0");
    if (this.selected && this.byId.has(this.selected)) this.highlight(this.selected);
    else this.selected = null;
  }

  wire() {
    const svg = this.svg;
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      this.zoomAt(this.toSvg(event.clientX, event.clientY), event.deltaY < 0 ? 1.2 : 1 / 1.2);
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      if (event.target.closest(".node")) return;
      drag = { x: event.clientX, y: event.clientY, moved: false };
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const scale = 1 / ((svg.getScreenCTM() || { a: 1 }).a || 1);
      const [dx, dy] = [(event.clientX - drag.x) * scale, (event.clientY - drag.y) * scale];
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      this.view.tx += dx;
      this.view.ty += dy;
      drag.x = event.clientX;
      drag.y = event.clientY;
      this.applyView();
    });
    const end = (event) => {
      if (drag && !drag.moved && !event.target.closest(".node")) this.select(null);
      drag = null;
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", () => { drag = null; });
    this.nodeLayer.addEventListener("keydown", (event) => this.onKey(event));
    this.nodeLayer.addEventListener("focusin", (event) => {
      const el = event.target.closest(".node");
      if (!el) return;
      for (const n of this.nodes) n.el.setAttribute("tabindex", n.el === el ? "0" : "-1");
      this.ensureVisible(this.byId.get(el.dataset.id));
    });
  }

  onKey(event) {
    const el = event.target.closest(".node");
    if (!el) return;
    const index = this.focusOrder.findIndex((n) => n.el === el);
    const go = (i) => {
      event.preventDefault();
      const n = this.focusOrder[(i + this.focusOrder.length) % this.focusOrder.length];
      n.el.focus();
    };
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": go(index + 1); break;
      case "ArrowLeft": case "ArrowUp": go(index - 1); break;
      case "Home": go(0); break;
      case "End": go(this.focusOrder.length - 1); break;
      case "Enter": case " ": event.preventDefault(); this.select(el.dataset.id); break;
      case "Escape": event.preventDefault(); this.select(null); break;
      case "+": case "=": event.preventDefault(); this.zoomBy(1.25); break;
      case "-": event.preventDefault(); this.zoomBy(0.8); break;
      case "0": event.preventDefault(); this.resetZoom(); break;
      default:
    }
  }

  /** A point on the screen in the picture's coordinates (those of the viewBox). */
  toSvg(clientX, clientY) {
    const ctm = this.svg.getScreenCTM();
    if (!ctm) return [this.box.x + this.box.w / 2, this.box.y + this.box.h / 2];
    const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
    return [p.x, p.y];
  }

  zoomAt([px, py], factor) {
    const { k, tx, ty } = this.view;
    const next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, k * factor));
    this.view = { k: next, tx: px - ((px - tx) * next) / k, ty: py - ((py - ty) * next) / k };
    this.applyView();
  }

  zoomBy(factor) {
    this.zoomAt([this.box.x + this.box.w / 2, this.box.y + this.box.h / 2], factor);
  }

  resetZoom() {
    this.view = { k: 1, tx: 0, ty: 0 };
    this.applyView();
  }

  applyView() {
    const { k, tx, ty } = this.view;
    if (this.viewport) this.viewport.setAttribute("transform", `translate(${tx.toFixed(1)} ${ty.toFixed(1)}) scale(${k.toFixed(3)})`);
    if (this.svg) this.svg.dataset.zoom = k.toFixed(3);
  }

  /** Pans so that a node is inside the picture (when zoomed in). */
  ensureVisible(node) {
    if (!node) return;
    const { k, tx, ty } = this.view;
    const box = this.box;
    const [x, y] = [tx + node.x * k, ty + node.y * k];
    const margin = 30;
    if (x < box.x + margin || x > box.x + box.w - margin || y < box.y + margin || y > box.y + box.h - margin) {
      this.view = { k, tx: box.x + box.w / 2 - node.x * k, ty: box.y + box.h / 2 - node.y * k };
      this.applyView();
    }
  }

  /** Highlights a node and its neighbours (null clears); tells onSelect. */
  select(id) {
    this.selected = id && this.byId.has(id) ? id : null;
    this.highlight(this.selected);
    if (this.selected) {
      const node = this.byId.get(this.selected);
      for (const n of this.nodes) n.el.setAttribute("tabindex", n === node ? "0" : "-1");
      this.ensureVisible(node);
    }
    this.onSelect(this.selected ? this.byId.get(this.selected) : null);
  }

  highlight(id) {
    const node = id ? this.byId.get(id) : null;
    this.svg.classList.toggle("has-selection", Boolean(node));
    for (const n of this.nodes) {
      const on = Boolean(node) && (n === node || node.neighbours.has(n.id));
      n.el.classList.toggle("hl", on);
      n.el.classList.toggle("selected", n === node);
      n.el.setAttribute("aria-pressed", String(n === node));
    }
    for (const e of this.edges) e.el.classList.toggle("hl", Boolean(node) && (e.a === node || e.b === node));
  }

  /** The nodes linked to a node, as {id, name, type}. */
  neighbours(id) {
    const node = this.byId.get(id);
    return node ? [...node.neighbours].map((n) => this.byId.get(n)) : [];
  }
}
