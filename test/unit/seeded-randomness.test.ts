import fs from "node:fs";
import path from "node:path";
import { backoffMs, MAX_BACKOFF_MS } from "../../src/outbox/score-worker";
import { ROOT } from "../support/paths";

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(p);
    return /\.(ts|hbs)$/.test(e.name) ? [p] : [];
  });
}

/** Variants come from the seeded generator; the global, unseeded one has no place in the server or the exercises. */
test("no source file under src/ or exercises/ calls Math.random", () => {
  const offenders = ["src", "exercises"].flatMap((d) => sourceFiles(path.join(ROOT, d))).filter((f) => fs.readFileSync(f, "utf8").includes("Math.random"));
  expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
});

test("outbox retry backoff: doubles from 500 ms, jittered down by at most 25%, capped at a minute", () => {
  for (let attempts = 0; attempts < 12; attempts++) {
    const full = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts);
    for (let i = 0; i < 50; i++) {
      const ms = backoffMs(attempts);
      expect(ms).toBeGreaterThanOrEqual(Math.round(full * 0.75));
      expect(ms).toBeLessThanOrEqual(full);
    }
  }
});
