import { formatShape, isValidShape, plural, type Shape, type Value } from "./shape";

export type ParseResult = { ok: true; value: Value } | { ok: false; message: string };

/** Longest accepted text answer, in characters. */
export const MAX_INPUT_LENGTH = 10_000;
/** Most entries accepted in one answer (a list, or all rows of a matrix together). */
export const MAX_ENTRIES = 10_000;

// Unambiguous (no nested or overlapping repetition), so matching is linear even on 10,000 digits.
const DECIMAL = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
const DECIMAL_RE = new RegExp(`^${DECIMAL}$`);
const FRACTION_RE = new RegExp(`^(${DECIMAL})/(${DECIMAL})$`);
const NAN_RE = /^[+-]?nan$/i;
const INFINITY_RE = /^[+-]?(?:inf|infinity|infty|∞|\\infty)$/i;
const RADIX_RE = /^[+-]?0([xXoObB])/;
const COMMA_DECIMAL_RE = /^[+-]?(?:\d+,\d+|,\d+)(?:[eE][+-]?\d+)?$/;

type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

function quote(s: string): string {
  const shown = s.length > 24 ? `${s.slice(0, 24)}…` : s;
  return JSON.stringify(shown);
}

/** Unicode minus signs to ASCII, and no spaces around a fraction bar (split and trim: linear time). */
function normalize(s: string): string {
  const ascii = s.replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/g, "-");
  return ascii.includes("/") ? ascii.split("/").map((p, i, all) => (i === 0 ? p.trimEnd() : i === all.length - 1 ? p.trimStart() : p.trim())).join("/") : ascii;
}

/** Reads one number token (no surrounding whitespace, no separators). */
function parseToken(token: string): Outcome<number> {
  if (token === "") return fail("an entry is empty");
  if (DECIMAL_RE.test(token)) {
    const x = Number(token);
    if (!Number.isFinite(x)) return fail(`${quote(token)} is too large to be a finite number`);
    return { ok: true, value: x };
  }
  const fraction = FRACTION_RE.exec(token);
  if (fraction) {
    const p = Number(fraction[1]);
    const q = Number(fraction[2]);
    if (!Number.isFinite(p) || !Number.isFinite(q)) return fail(`${quote(token)} is too large to be a finite number`);
    if (q === 0) return fail(`${quote(token)} divides by zero`);
    const x = p / q;
    if (!Number.isFinite(x)) return fail(`${quote(token)} is too large to be a finite number`);
    return { ok: true, value: x };
  }
  if (NAN_RE.test(token)) return fail(`${quote(token)} (not a number) is not accepted`);
  if (INFINITY_RE.test(token)) return fail(`infinity (${quote(token)}) is not accepted; enter a finite number`);
  const radix = RADIX_RE.exec(token);
  if (radix) {
    const name = { x: "hexadecimal", o: "octal", b: "binary" }[radix[1]!.toLowerCase() as "x" | "o" | "b"];
    return fail(`${name} notation (${quote(token)}) is not accepted; write the number in decimal`);
  }
  if (COMMA_DECIMAL_RE.test(token)) return fail(`${quote(token)}: use a dot as decimal separator`);
  if (token.includes("/")) return fail(`${quote(token)} is not a number or a fraction like 3/8`);
  return fail(`${quote(token)} is not a number`);
}

/** A list read from text or JSON before its entries are checked. */
type Raw = string | number | Raw[];

function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  switch (typeof input) {
    case "boolean":
      return input ? "true" : "false";
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    case "bigint":
      return "a big integer";
    default:
      return `a ${typeof input}`;
  }
}

/** Copies a JSON array into a Raw tree, checking element types, depth and size. */
function fromJsonArray(input: unknown[], maxDepth: number): Outcome<Raw[]> {
  let count = 0;
  const visit = (node: unknown[], depth: number): Outcome<Raw[]> => {
    if (depth > maxDepth) return fail("the list is nested deeper than expected");
    if (node.length > MAX_ENTRIES) return fail(`the list is too long (more than ${MAX_ENTRIES} entries)`);
    const out: Raw[] = [];
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (Array.isArray(item)) {
        const inner = visit(item, depth + 1);
        if (!inner.ok) return inner;
        out.push(inner.value);
      } else if (typeof item === "number" || typeof item === "string") {
        if (++count > MAX_ENTRIES) return fail(`the answer has too many entries (more than ${MAX_ENTRIES})`);
        out.push(item);
      } else {
        return fail(`entry ${i + 1} is ${describe(item)}, not a number`);
      }
    }
    return { ok: true, value: out };
  };
  return visit(input, 1);
}

/**
 * Reads a bracketed list like `[1, 2.5, 3/8]`, `[[1,0],[0,1]]` or numpy's `[[1. 0.]\n [0. 1.]]`:
 * entries separated by commas, semicolons or whitespace.
 */
function parseBracketText(s: string, maxDepth: number): Outcome<Raw[]> {
  const tokens = s.match(/\[|\]|[,;]|[^\[\],;\s]+/g) ?? [];
  let pos = 0;
  let count = 0;
  const list = (depth: number): Outcome<Raw[]> => {
    if (depth > maxDepth) return fail("the list is nested deeper than expected (too many brackets)");
    pos++; // "["
    const items: Raw[] = [];
    let afterSeparator = false;
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t === "]") {
        pos++;
        if (afterSeparator) return fail("a list ends with a separator (an entry is missing)");
        return { ok: true, value: items };
      }
      if (t === "," || t === ";") {
        if (items.length === 0 || afterSeparator) return fail("an entry is empty (two separators in a row?)");
        afterSeparator = true;
        pos++;
        continue;
      }
      if (t === "[") {
        const inner = list(depth + 1);
        if (!inner.ok) return inner;
        items.push(inner.value);
      } else {
        if (++count > MAX_ENTRIES) return fail(`the answer has too many entries (more than ${MAX_ENTRIES})`);
        items.push(t);
        pos++;
      }
      afterSeparator = false;
    }
    return fail('a "[" has no matching "]"');
  };
  if (tokens[0] !== "[") return fail('expected the list to start with "["');
  const result = list(1);
  if (!result.ok) return result;
  if (pos < tokens.length) return fail(`unexpected text after the closing "]": ${quote(tokens.slice(pos).join(" "))}`);
  return result;
}

/** Splits plain text into entries separated by commas, semicolons (if allowed) or whitespace. */
function splitEntries(s: string, semicolons: boolean): Outcome<string[]> {
  const t = s.trim();
  if (t === "") return { ok: true, value: [] };
  const parts: string[] = [];
  for (const piece of t.split(semicolons ? /[,;]/ : /,/)) {
    const trimmed = piece.trim();
    if (trimmed === "") return fail("an entry is empty (two separators in a row, or one at the end?)");
    parts.push(...trimmed.split(/\s+/));
  }
  if (parts.length > MAX_ENTRIES) return fail(`the answer has too many entries (more than ${MAX_ENTRIES})`);
  return { ok: true, value: parts };
}

function entry(raw: Raw, where: string): Outcome<number> {
  if (typeof raw === "number") {
    if (Number.isNaN(raw)) return fail(`${where}NaN (not a number) is not accepted`);
    if (!Number.isFinite(raw)) return fail(`${where}infinity is not accepted; enter a finite number`);
    return { ok: true, value: raw };
  }
  if (Array.isArray(raw)) return fail(`${where}is a list, but a number was expected (nested deeper than expected)`);
  if (raw.length > MAX_INPUT_LENGTH) return fail(`${where}is too long (more than 10,000 characters)`);
  const r = parseToken(normalize(raw.trim()));
  return r.ok ? r : fail(`${where}${r.message}`);
}

function commaHint(text: string | undefined): string {
  return text !== undefined && /\d,\d/.test(text)
    ? " (to write a decimal, use a dot: 1.5, not 1,5)"
    : "";
}

function toVector(items: Raw[], length: number, text?: string): Outcome<number[]> {
  if (items.length !== length) {
    return fail(`expected a list of ${plural(length, "number")}, got ${items.length}${commaHint(text)}`);
  }
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = entry(items[i]!, length === 1 ? "" : `entry ${i + 1}: `);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

function toMatrix(rows: Raw[], shape: { rows: number; cols: number }): Outcome<number[][]> {
  const expected = formatShape({ kind: "matrix", ...shape });
  if (rows.length !== shape.rows) return fail(`expected ${expected}, got ${plural(rows.length, "row")}`);
  const out: number[][] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!Array.isArray(row)) {
      return fail(`row ${i + 1} is a single entry, not a row; write rows as lists, e.g. [[1, 0], [0, 1]], or as lines`);
    }
    if (row.length !== shape.cols) {
      return fail(`row ${i + 1} has ${plural(row.length, "number")}, but every row needs ${shape.cols}`);
    }
    const values: number[] = [];
    for (let j = 0; j < row.length; j++) {
      const r = entry(row[j]!, `row ${i + 1}, entry ${j + 1}: `);
      if (!r.ok) return r;
      values.push(r.value);
    }
    out.push(values);
  }
  return { ok: true, value: out };
}

/** A row (or list) ended with ";", as in MATLAB or numpy-style "1 2; 3 4;": the last ";" ends, it does not separate. */
function dropTrailingSemicolon(s: string): string {
  const t = s.trimEnd();
  return t.endsWith(";") ? t.slice(0, -1) : t;
}

/**
 * A k x 1 matrix (a column, e.g. the means of a 1-D mixture) written as one list of k numbers,
 * "-2.1, 3.9" or "[-2.1, 3.9]": unambiguous, read as the column.
 */
function columnFromList(rows: Raw[], shape: { rows: number; cols: number }): Raw[] {
  if (shape.cols !== 1 || shape.rows < 2) return rows;
  if (rows.length === 1 && Array.isArray(rows[0]) && rows[0].length === shape.rows && rows[0].every((x) => !Array.isArray(x))) {
    return rows[0].map((x) => [x]);
  }
  if (rows.length === shape.rows && rows.every((x) => !Array.isArray(x))) return rows.map((x) => [x]);
  return rows;
}

/** Reads a matrix written as rows separated by newlines or ";", entries by commas or spaces. */
function matrixRowsFromText(s: string): Outcome<Raw[]> {
  const lines = dropTrailingSemicolon(s.trim())
    .split(/;|\r\n|\n|\r/)
    .map((line) => line.trim());
  const rows: Raw[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") return fail(`row ${i + 1} is empty`);
    const r = splitEntries(lines[i]!, false);
    if (!r.ok) return fail(`row ${i + 1}: ${r.message}`);
    rows.push(r.value);
  }
  return { ok: true, value: rows };
}

function parseScalar(input: unknown): Outcome<number> {
  if (typeof input === "number") return entry(input, "");
  if (typeof input !== "string") {
    return fail(Array.isArray(input) ? "got a list; enter the number without brackets" : `got ${describe(input)}`);
  }
  const s = normalize(input.trim());
  if (s.startsWith("[")) return fail("got a list; enter the number without brackets");
  if (COMMA_DECIMAL_RE.test(s)) return fail(`${quote(s)}: use a dot as decimal separator`);
  if (/[\s,;]/.test(s)) return fail(`got several values (${quote(s)}); enter a single number`);
  return parseToken(s);
}

function parseVector(input: unknown, length: number): Outcome<number[]> {
  if (typeof input === "number") return toVector([input], length);
  if (Array.isArray(input)) {
    const raw = fromJsonArray(input, 1);
    return raw.ok ? toVector(raw.value, length) : raw;
  }
  if (typeof input !== "string") return fail(`got ${describe(input)}`);
  const s = normalize(input.trim());
  if (s.startsWith("[")) {
    const raw = parseBracketText(s, 1);
    return raw.ok ? toVector(raw.value, length, s) : raw;
  }
  if (s.includes("]")) return fail('a "]" has no matching "["');
  const parts = splitEntries(dropTrailingSemicolon(s), true);
  return parts.ok ? toVector(parts.value, length, s) : parts;
}

function parseMatrix(input: unknown, shape: { rows: number; cols: number }): Outcome<number[][]> {
  if (typeof input === "number") return toMatrix([[input]], shape);
  if (Array.isArray(input)) {
    const raw = fromJsonArray(input, 2);
    return raw.ok ? toMatrix(columnFromList(raw.value, shape), shape) : raw;
  }
  if (typeof input !== "string") return fail(`got ${describe(input)}`);
  const s = normalize(input.trim());
  if (s.startsWith("[")) {
    const inner = s.slice(1, -1);
    if (s.endsWith("]") && !/[\[\]]/.test(inner)) {
      // One pair of brackets: MATLAB style "[1 0; 0 1]", a single row "[1, 2]" when rows = 1, or
      // a column "[1, 2]" when cols = 1.
      if (/[;\n\r]/.test(inner)) {
        const rows = matrixRowsFromText(inner);
        return rows.ok ? toMatrix(columnFromList(rows.value, shape), shape) : rows;
      }
      if (shape.rows === 1 || shape.cols === 1) {
        const row = splitEntries(inner, false);
        return row.ok ? toMatrix(columnFromList([row.value], shape), shape) : row;
      }
      return fail('write each row in brackets, e.g. [[1, 0], [0, 1]], or separate rows by ";"');
    }
    const raw = parseBracketText(s, 2);
    return raw.ok ? toMatrix(columnFromList(raw.value, shape), shape) : raw;
  }
  if (s.includes("]")) return fail('a "]" has no matching "["');
  const rows = matrixRowsFromText(s);
  return rows.ok ? toMatrix(columnFromList(rows.value, shape), shape) : rows;
}

/**
 * Reads a student's answer for one part. Accepts a JS number, a string, or (for vectors and
 * matrices) a JSON array. Never throws; on failure the message says what was expected and what
 * was wrong.
 *
 * @example parseAnswer("3/8", { kind: "scalar" }) // { ok: true, value: 0.375 }
 * @example parseAnswer("1 2", { kind: "vector", length: 3 }).ok // false: "Expected a list of 3 numbers, got 2."
 */
export function parseAnswer(input: unknown, shape: Shape): ParseResult {
  try {
    if (!isValidShape(shape)) return fail("This part has an invalid shape (an error in the exercise, not in your answer).");
    const expected = formatShape(shape);
    if (input === undefined || input === null || (typeof input === "string" && input.trim() === "")) {
      return fail(`The answer is empty. Expected ${expected}.`);
    }
    if (typeof input === "string" && input.length > MAX_INPUT_LENGTH) {
      return fail(`The answer is too long (${input.length} characters, at most 10,000). Expected ${expected}.`);
    }
    const r: Outcome<Value> =
      shape.kind === "scalar"
        ? parseScalar(input)
        : shape.kind === "vector"
          ? parseVector(input, shape.length)
          : parseMatrix(input, shape);
    if (r.ok) return r;
    const msg = r.message.charAt(0).toUpperCase() + r.message.slice(1);
    return fail(msg.startsWith("Expected ") ? `${msg}.` : `${msg}. Expected ${expected}.`);
  } catch {
    return fail(`The answer could not be read. Expected ${safeExpected(shape)}.`);
  }
}

function safeExpected(shape: Shape): string {
  try {
    return formatShape(shape);
  } catch {
    return "a number";
  }
}

export type PartShape = { name: string; shape: Shape };

/**
 * Reads the answers of all parts. Every part needs an answer; keys that name no part are errors.
 * The result objects have no prototype, so keys like `__proto__` are plain data.
 */
export function parseAnswers(
  parts: PartShape[],
  raw: Record<string, unknown>,
): { ok: true; values: Record<string, Value> } | { ok: false; errors: Record<string, string> } {
  const values: Record<string, Value> = Object.create(null);
  const errors: Record<string, string> = Object.create(null);
  let failed = false;
  const byName = new Map<string, Shape>();
  for (const p of parts) byName.set(p.name, p.shape);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    errors["answers"] = "Expected an object with one answer per part.";
    return { ok: false, errors };
  }
  const given = new Map<string, unknown>();
  for (const key of Object.keys(raw)) {
    given.set(key, Object.getOwnPropertyDescriptor(raw, key)?.value);
    if (!byName.has(key)) {
      failed = true;
      const names = parts.map((p) => p.name).join(", ");
      errors[key] = `unknown part ${quote(key)}; expected one of: ${names}`;
    }
  }
  for (const [name, shape] of byName) {
    const value = given.get(name);
    if (!given.has(name) || value === undefined) {
      failed = true;
      errors[name] = "missing answer";
      continue;
    }
    const r = parseAnswer(value, shape);
    if (r.ok) values[name] = r.value;
    else {
      failed = true;
      errors[name] = r.message;
    }
  }
  return failed ? { ok: false, errors } : { ok: true, values };
}
