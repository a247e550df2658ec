// An outline of Mecklenburg-Vorpommern as [longitude, latitude] points, drawn by hand from the coast and the
// state border (accurate to a few kilometres: enough to place the six centres, and no map tiles needed).

export const OUTLINE = {
  mainland: [
    [10.90, 53.96], [11.02, 54.01], [11.20, 54.01], [11.33, 53.95], [11.45, 53.89], [11.52, 53.94],
    [11.58, 54.03], [11.62, 54.10], [11.75, 54.15], [11.93, 54.15], [12.08, 54.18], [12.28, 54.26],
    [12.40, 54.36], [12.50, 54.47], [12.68, 54.45], [12.93, 54.43], [13.03, 54.43], [13.09, 54.31],
    [13.28, 54.23], [13.42, 54.13], [13.46, 54.10], [13.62, 54.15], [13.74, 54.10], [13.76, 54.04],
    [13.72, 53.95], [13.80, 53.85], [13.95, 53.78], [14.06, 53.74], [14.27, 53.73], [14.28, 53.60],
    [14.22, 53.46], [14.41, 53.34], [14.26, 53.26], [14.05, 53.35], [13.90, 53.42], [13.70, 53.40],
    [13.50, 53.33], [13.40, 53.25], [13.20, 53.23], [13.00, 53.17], [12.75, 53.22], [12.55, 53.27],
    [12.30, 53.30], [12.05, 53.28], [11.85, 53.25], [11.60, 53.12], [11.40, 53.10], [11.25, 53.12],
    [11.00, 53.25], [10.75, 53.36], [10.63, 53.40], [10.78, 53.50], [10.90, 53.58], [10.83, 53.72],
    [10.93, 53.84],
  ],
  ruegen: [
    [13.12, 54.33], [13.17, 54.45], [13.16, 54.52], [13.26, 54.60], [13.22, 54.64], [13.35, 54.68],
    [13.43, 54.68], [13.42, 54.61], [13.55, 54.58], [13.63, 54.59], [13.67, 54.55], [13.64, 54.48],
    [13.58, 54.45], [13.61, 54.38], [13.70, 54.37], [13.77, 54.32], [13.72, 54.27], [13.60, 54.30],
    [13.47, 54.30], [13.38, 54.24], [13.25, 54.27],
  ],
  hiddensee: [[13.07, 54.46], [13.10, 54.58], [13.14, 54.60], [13.12, 54.46]],
  usedom: [
    [13.75, 54.16], [13.88, 54.10], [14.00, 54.02], [14.15, 53.96], [14.23, 53.93], [14.21, 53.87],
    [14.05, 53.84], [13.95, 53.86], [13.83, 53.87], [13.80, 53.95], [13.82, 54.04],
  ],
  poel: [[11.40, 54.00], [11.45, 54.04], [11.52, 54.01], [11.47, 53.96]],
};

/** A projection of [lon, lat] onto a width-wide box with `pad` margins: equirectangular, scaled at 53.8°N. */
export function projection(width, pad = 20) {
  const points = Object.values(OUTLINE).flat();
  const xScale = Math.cos((53.8 * Math.PI) / 180);
  const xs = points.map(([lon]) => lon * xScale);
  const ys = points.map(([, lat]) => -lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = (width - 2 * pad) / (x1 - x0);
  const height = Math.round((y1 - y0) * k + 2 * pad);
  const project = ([lon, lat]) => [pad + (lon * xScale - x0) * k, pad + (-lat - y0) * k];
  return { project, width, height };
}

/** The SVG path data of every part of the outline. */
export function outlinePath(project) {
  return Object.values(OUTLINE)
    .map((ring) => ring.map((p, i) => `${i ? "L" : "M"}${project(p).map((v) => v.toFixed(1)).join(",")}`).join("") + "Z")
    .join("");
}
