/**
 * Given data as CSV (pasted or uploaded on the builder pages): a header row is optional; commas,
 * semicolons or tabs separate values. Each exercise maps the columns onto its data
 * (exercises/given-data.ts); problems name the line and column of the file.
 */
import { GIVEN_DATA, GivenDataError, givenDataSlugs, readGivenData, type ReadData } from "./given-data";

/** A CSV problem: the message names the line (1-based, as an editor counts) and the column. */
export class GivenCsvError extends Error {
  override name = "GivenCsvError";
}

/** The most data lines a CSV may have (the JSON readers allow at most 10,000 points). */
export const MAX_CSV_LINES = 10_000;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function splitLine(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
}

/** The CSV layout an exercise takes, in words (for the builder page); undefined: JSON only. */
export function csvLayout(slug: string): string | undefined {
  return GIVEN_DATA[slug]?.csvLayout;
}

/**
 * Reads CSV text into the exercise's data and checks it as JSON data is checked.
 * @throws GivenCsvError naming the line and column
 */
export function readGivenCsv(slug: string, text: string): ReadData {
  const spec = GIVEN_DATA[slug];
  if (!spec) throw new GivenCsvError(`the exercise ${slug} takes only generated data; data can be given to ${givenDataSlugs().join(", ")}`);
  if (!spec.fromCsv) throw new GivenCsvError(`${slug} takes its data as JSON only (it needs more than a table of points); paste a JSON object`);
  // Slides and word processors write the minus sign as U+2212.
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\u2212/g, "-")
    .split(/\r\n|\n|\r/)
    .map((l, i) => ({ l, line: i + 1 }))
    .filter(({ l }) => l.trim() !== "");
  if (lines.length === 0) throw new GivenCsvError("the CSV is empty: expected one row per data point");
  if (lines.length > MAX_CSV_LINES + 1) throw new GivenCsvError(`at most ${MAX_CSV_LINES} data rows, got ${lines.length}`);
  const first = lines[0]!.l;
  const delimiter = first.includes("\t") ? "\t" : first.includes(";") && !first.includes(",") ? ";" : ",";
  let cells = lines.map(({ l, line }) => ({ cells: splitLine(l, delimiter), line }));
  const hasHeader = cells[0]!.cells.some((c) => !NUMBER.test(c));
  const header = hasHeader ? cells.shift()!.cells.map((h) => h.toLowerCase()) : undefined;
  // A 1-D sample pasted on one line ("2.1, 0, 3.5"): one value per cell instead of one per row.
  const scalar = spec.csvLayout?.startsWith("one column");
  if (scalar && !header && cells.length === 1 && cells[0]!.cells.length > 1) cells = cells[0]!.cells.map((c) => ({ cells: [c], line: cells[0]!.line }));
  if (cells.length === 0) throw new GivenCsvError("the CSV has a header but no data rows");
  const width = header?.length ?? cells[0]!.cells.length;
  const columns = header ?? defaultColumns(slug, width);
  checkColumns(slug, columns, lines[0]!.line);
  const rows: number[][] = [];
  for (const { cells: row, line } of cells) {
    if (row.length !== width) throw new GivenCsvError(`line ${line}: expected ${width} value${width === 1 ? "" : "s"} (as ${header ? "the header" : "the first row"}), got ${row.length}`);
    rows.push(
      row.map((c, j) => {
        if (!NUMBER.test(c)) throw new GivenCsvError(`line ${line}, column ${columns[j]}: expected a number, got ${c === "" ? "an empty cell" : `"${c.slice(0, 20)}"`}`);
        return Number(c);
      }),
    );
  }
  try {
    return readGivenData(slug, spec.fromCsv(columns, rows));
  } catch (err) {
    if (err instanceof GivenDataError) throw new GivenCsvError(inCsvWords(err, cells.map((c) => c.line), columns, rows));
    throw err;
  }
}

function defaultColumns(slug: string, width: number): string[] {
  // Without a header a labelled exercise takes the last column as the label.
  const labelled = GIVEN_DATA[slug]!.csvLayout?.includes("label");
  const coords = labelled ? width - 1 : width;
  const names = coords === 1 ? ["x"] : Array.from({ length: coords }, (_, j) => `x${j + 1}`);
  return labelled ? [...names, "label"] : names;
}

function checkColumns(slug: string, columns: string[], line: number): void {
  const labelled = GIVEN_DATA[slug]!.csvLayout?.includes("label");
  const scalar = GIVEN_DATA[slug]!.csvLayout?.startsWith("one column");
  columns.forEach((c, j) => {
    const ok = c === "x" || /^x[1-9]$/.test(c) || (labelled && c === "label");
    if (!ok) throw new GivenCsvError(`line ${line}, column ${j + 1}: unknown heading "${c.slice(0, 20)}"; expected ${scalar ? "x" : labelled ? "x1…xd and label" : "x1…xd"}`);
  });
  if (scalar && columns.length !== 1) throw new GivenCsvError(`expected one column x, got ${columns.length} columns`);
  if (labelled && !columns.includes("label")) throw new GivenCsvError(`expected a column label (each point's component 1…k) beside x1…xd`);
  if (labelled && columns.length < 2) throw new GivenCsvError("expected columns x1…xd and label");
}

/** data.x.3.1 -> "line 5, column x2"; data.labels.3 -> "line 5, column label"; otherwise the reason alone. */
function inCsvWords(err: GivenDataError, lineOf: number[], columns: string[], rows: number[][]): string {
  const [field, row, col] = err.path;
  if (field === "labels" && typeof row === "number") {
    // The JSON reader counts components from 0; the CSV (like the students' download) from 1.
    return `line ${lineOf[row] ?? row + 1}, column label: expected a component number from 1 to k (k from 2 to 4), got ${rows[row]?.[columns.indexOf("label")]}`;
  }
  if (typeof row === "number" && field === "x") {
    const coords = columns.filter((c) => c !== "label");
    const column = typeof col === "number" ? coords[col] : coords.length === 1 ? coords[0] : undefined;
    return `line ${lineOf[row] ?? row + 1}${column ? `, column ${column}` : ""}: ${err.reason}`;
  }
  // "(label 1)" counts from 0 as JSON does; in the CSV the component number alone is the label.
  return `${field === "labels" ? "column label" : "the data"}: ${err.reason.replace(/ \(label \d+\)/, "")}`;
}
