import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Relative agreement required against the independent reference values. */
export const RTOL = 1e-9;
/** No absolute floor: every number, however small, must agree relatively (the fixtures do to 1e-11). */
export const ATOL = 0;

/** Every number in `actual` agrees with `expected` (same structure) within RTOL relative; reports the path of the first miss. */
export function expectClose(actual: unknown, expected: unknown, path = "result"): void {
  if (typeof expected === "number") {
    if (typeof actual !== "number" || !(Math.abs(actual - expected) <= RTOL * Math.max(Math.abs(actual), Math.abs(expected)) + ATOL)) {
      throw new Error(`${path}: got ${String(actual)}, expected ${expected} (rel. diff ${typeof actual === "number" ? Math.abs(actual - expected) / Math.abs(expected) : "n/a"})`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      throw new Error(`${path}: got ${Array.isArray(actual) ? `a list of ${actual.length}` : typeof actual}, expected a list of ${expected.length}`);
    }
    expected.forEach((e, i) => expectClose(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null) throw new Error(`${path}: got ${String(actual)}, expected an object`);
    const a = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) expectClose(a[key], value, `${path}.${key}`);
    const extra = Object.keys(a).filter((key) => !(key in expected));
    if (extra.length > 0) throw new Error(`${path}: unexpected fields ${extra.join(", ")}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: got ${String(actual)}, expected ${String(expected)}`);
}

/** A fixture file written by scripts/make-solver-fixtures.py. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "solver", name), "utf8")) as T;
}
