import { createVariant, exerciseSlugs, getExercise, gradeVariant } from "../../exercises";
import type { Value } from "../../src/grading";

const finite = (v: Value): boolean => (Array.isArray(v) ? v.flat(2) : [v]).every((x) => typeof x === "number" && Number.isFinite(x));

/**
 * A student who makes a known mistake is told which one: on every variant createVariant keeps, each
 * mistaken value (the key elsewhere) is graded wrong and named, not answered "not within tolerance"
 * (the true μ sat within twice the tolerance of a sample mean near 0 and went unnamed).
 */
test.each(exerciseSlugs())("%s: every known mistake is named when a student submits it", (slug) => {
  const unnamed: string[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const v = createVariant(slug, seed);
    for (const m of getExercise(slug)!.mistakes(v.data as never, v.params as never, v.key as never)) {
      for (const [part, value] of Object.entries(m.answers)) {
        if (value === undefined || !finite(value as Value) || JSON.stringify(value) === JSON.stringify(v.key[part])) continue;
        const g = gradeVariant(v, { ...v.key, [part]: value });
        if (!g.ok) continue;
        const r = g.parts.find((p) => p.name === part)!;
        if (r.correct || !r.mistake) unnamed.push(`seed ${seed} ${m.id} on ${part}: ${r.correct ? "graded right" : r.feedback}`);
      }
    }
  }
  expect(unnamed).toEqual([]);
});

test("mle-sample-size: the true μ and σ² are named on every variant of n = 1000, σ = 0.1", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const v = createVariant("mle-sample-size", seed, { n: 1000, mu: 0, sigma: 0.1 });
    const g = gradeVariant(v, { mean: "0", variance: "0.01" });
    if (!g.ok) throw new Error("unreadable");
    expect(g.parts.map((p) => p.mistake)).toEqual(["true-mean", "true-variance"]);
  }
});
