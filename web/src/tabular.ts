/**
 * The one tabular form behind every chart: the accessible table, the CSV download and the
 * chart datasets all come from it, so they always agree. Pure, no DOM.
 */

export type Cell = string | number | null;

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** A time series as the page draws it: points [epoch ms, value] ascending. */
export interface TimeSeries {
  label: string;
  points: Array<[number, number]>;
}

/** Joins several time series on their timestamps: one row per distinct time, ISO first column. */
export function seriesTable(series: TimeSeries[], timeColumn = "time (UTC)"): Table {
  const times = new Set<number>();
  for (const s of series) for (const [t] of s.points) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const lookups = series.map((s) => new Map(s.points));
  return {
    columns: [timeColumn, ...series.map((s) => s.label)],
    rows: sorted.map((t) => [new Date(t).toISOString(), ...lookups.map((m) => m.get(t) ?? null)]),
  };
}

/** RFC 4180 CSV: comma separated, CRLF line ends, quotes doubled, cells with , " or newlines quoted. */
export function toCsv(table: Table): string {
  const line = (cells: Cell[]) => cells.map(csvCell).join(",");
  return [line(table.columns), ...table.rows.map(line)].join("\r\n") + "\r\n";
}

function csvCell(cell: Cell): string {
  if (cell === null) return "";
  const text = typeof cell === "number" ? numberText(cell) : cell;
  // A leading = + - @ would be run as a formula by spreadsheets: prefix it (OWASP CSV injection).
  const safe = typeof cell === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) return "";
  // Full precision, no exponent for ordinary magnitudes.
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

/** Parses CSV produced by toCsv (used by tests and by nothing else). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
