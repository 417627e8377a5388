/**
 * CSV for spreadsheets (RFC 4180 quoting, CRLF line ends). A cell that a spreadsheet would run as a
 * formula (starting with = + - @, a tab or a carriage return) is prefixed with a single quote.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised against formula injection, then quoted when it needs to be. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows of cells to CSV text with a header row. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
