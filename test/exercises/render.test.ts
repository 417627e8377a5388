import { keyValuesInHtml } from "../../exercises/check";
import { createVariant, exerciseSlugs, getExercise, renderQuestion, renderSolution, toStudentVariant } from "../../exercises";
import type { Value } from "../../src/grading";
import { formatNumber } from "../../src/render";

/** Exercises whose question has no picture (a plot would give the answer away or add nothing). */
const NO_PLOT = new Set(["bernoulli-mle", "bernoulli-log-likelihood"]);

const cases = exerciseSlugs().flatMap((slug) =>
  [{}, ...(getExercise(slug)!.examples ?? [])].map((params) => [slug, params] as [string, Record<string, unknown>]),
);

function entries(v: Value): number[] {
  return typeof v === "number" ? [v] : (v as (number | number[])[]).flat();
}

describe.each(cases)("%s %j", (slug, params) => {
  const v = createVariant(slug, 7, params);
  const { html, parts } = renderQuestion(toStudentVariant(v));

  test("the question has KaTeX math, the data table in a scrolling wrapper, and a plot where it helps", () => {
    expect(html).toContain('class="katex"');
    expect(html).toMatch(/<div class="table-scroll( single-column)?">/);
    expect(html).toContain('<table class="data-table">');
    const d = (v.params as { d?: number }).d;
    const plotted = !NO_PLOT.has(slug) && !(slug === "gaussian-density" && d !== 2);
    // KaTeX draws tall delimiters with <svg> too: look for the plot figure.
    expect(/<figure class="plot"><svg/.test(html)).toBe(plotted);
    expect(html).not.toMatch(/NaN|undefined|<script/);
    expect(parts.map((p) => p.name).sort()).toEqual(Object.keys(v.key).sort());
    for (const p of parts) expect(html).toContain(p.label.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
  });

  test("the question shows no key value", () => {
    expect(keyValuesInHtml(html, v.key, { data: v.data, params: v.params })).toEqual([]);
  });

  test("the solution shows every key entry and renders its math", () => {
    const solution = renderSolution(v);
    expect(solution).toContain('class="katex"');
    expect(solution).not.toMatch(/NaN|undefined/);
    for (const value of Object.values(v.key)) for (const x of entries(value)) expect(solution).toContain(`>${formatNumber(x, 6)}<`);
  });
});

test("a large sample is summarised with its first rows and a note to download", () => {
  const v = createVariant("mle-sample-size", 1);
  const { html } = renderQuestion(toStudentVariant(v));
  expect(html).toContain("Showing the first 10 of 1000 rows");
  expect((html.match(/<tr>/g) ?? []).length).toBeLessThan(20);
});

test("the leak detector finds a key value printed on the page", () => {
  const v = createVariant("gaussian-mle", 3);
  const mean = v.key.mean as number;
  const html = `<p>The mean is ${formatNumber(mean, 4)}.</p>`;
  expect(keyValuesInHtml(html, v.key, { data: v.data })).toEqual([`mean: ${formatNumber(mean, 4)}`]);
  expect(keyValuesInHtml(`<p style="width:${formatNumber(mean, 4)}em"></p>`, v.key, { data: v.data })).toEqual([]);
});
