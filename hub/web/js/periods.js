// Periods as the API names them ("2026", "2026-Q2", "2026-03"), their days, and German labels.
// Days are the events' local calendar days (Europe/Berlin), as the activity API counts them.

const MONTHS = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."];

const pad = (n) => String(n).padStart(2, "0");

/** [year, first month (1-12), months long] of a period. */
function parse(period) {
  let m = /^(\d{4})$/.exec(period);
  if (m) return [+m[1], 1, 12];
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return [+m[1], (+m[2] - 1) * 3 + 1, 3];
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return [+m[1], +m[2], 1];
  throw new Error(`unbekannte Periode: ${period}`);
}

/** The first day of a period, "YYYY-MM-DD". */
export function periodStart(period) {
  const [year, month] = parse(period);
  return `${year}-${pad(month)}-01`;
}

/** The first day after a period, "YYYY-MM-DD" (the API's exclusive `to`). */
export function periodEnd(period) {
  const [year, month, length] = parse(period);
  const next = month - 1 + length;
  return `${year + Math.floor(next / 12)}-${pad((next % 12) + 1)}-01`;
}

/** A German label: "2026", "Q2 2026", "März 2026". */
export function periodLabel(period) {
  const [year, month, length] = parse(period);
  if (length === 12) return String(year);
  if (length === 3) return `Q${(month - 1) / 3 + 1} ${year}`;
  return `${MONTHS[month - 1]} ${year}`;
}

/** Every period of a granularity from the first to the last given one, gaps included, ascending. */
export function fillPeriods(periods, granularity) {
  if (!periods.length) return [];
  const sorted = [...periods].sort();
  const out = [];
  const [lastYear, lastMonth] = parse(sorted[sorted.length - 1]);
  let [year, month] = parse(sorted[0]);
  const step = { YEAR: 12, QUARTER: 3, MONTH: 1 }[granularity];
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    if (granularity === "YEAR") out.push(String(year));
    else if (granularity === "QUARTER") out.push(`${year}-Q${(month - 1) / 3 + 1}`);
    else out.push(`${year}-${pad(month)}`);
    month += step;
    while (month > 12) { month -= 12; year += 1; }
  }
  return out;
}

/** Midnight at the start of a local day in Europe/Berlin, as ISO 8601 with its offset. */
export function berlinMidnight(day) {
  const [y, m, d] = day.split("-").map(Number);
  // At 00:00 UTC the Berlin offset is the one of local midnight (DST switches at 02:00/03:00 local).
  const hour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", hourCycle: "h23" })
    .format(new Date(Date.UTC(y, m - 1, d)));
  return `${day}T00:00:00+${pad(Number(hour))}:00`;
}
