/**
 * The keys of the six core exercises and em-steps against an independent numpy computation
 * (scripts/make-exercise-fixtures.py, run with Debian's python3 and numpy 1.24).
 */
import fs from "node:fs";
import path from "node:path";
import { CORE_SLUGS, createVariant } from "../../exercises";
import type { Value } from "../../src/grading";

const dir = path.join(__dirname, "..", "fixtures", "exercises");
type Stored = { slug: string; seed: number; params: Record<string, unknown>; data: unknown; key: Record<string, Value> };
const variants = JSON.parse(fs.readFileSync(path.join(dir, "variants.json"), "utf8")) as Stored[];
const numpy = JSON.parse(fs.readFileSync(path.join(dir, "numpy-keys.json"), "utf8")) as {
  numpy: string;
  keys: { slug: string; seed: number; params: Record<string, unknown>; key: Record<string, Value> }[];
};

function flatten(v: Value): number[] {
  return typeof v === "number" ? [v] : (v as (number | number[])[]).flat();
}

function expectClose(actual: Value, expected: Value, where: string): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect({ where, length: a.length }).toEqual({ where, length: e.length });
  a.forEach((x, i) => {
    const tol = 1e-9 * Math.max(Math.abs(e[i]), 1e-3);
    if (!(Math.abs(x - e[i]) <= tol)) throw new Error(`${where}[${i}]: ${x} vs numpy ${e[i]}`);
  });
}

test("fixtures cover every core slug with several seeds", () => {
  for (const slug of [...CORE_SLUGS, "em-steps"]) expect(numpy.keys.filter((k) => k.slug === slug).length).toBeGreaterThanOrEqual(4);
  expect(numpy.keys).toHaveLength(variants.length);
});

describe.each(numpy.keys.map((k, i) => [`${k.slug} seed ${k.seed} ${JSON.stringify(k.params)}`, k, variants[i]] as const))(
  "%s",
  (_name, ref, stored) => {
    test("the generator still gives the exported data, and the key equals numpy's", () => {
      const v = createVariant(ref.slug, ref.seed, ref.params);
      expect(v.data).toEqual(stored.data);
      expect(Object.keys(v.key).sort()).toEqual(Object.keys(ref.key).sort());
      for (const part of Object.keys(ref.key)) expectClose(v.key[part], ref.key[part], `${ref.slug}/${ref.seed}/${part}`);
    });
  },
);
