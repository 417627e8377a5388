/**
 * Worked solutions and feedback read as finished text (issue 13, finding 6): no raw TeX
 * underscores or carets in plain-text titles, prose and mistake messages; each step numbered
 * once; headings under the section's h2; rows of a multi-line formula in an environment that
 * spaces them (a bare top-level \\ stacks fraction rows on top of each other).
 */
import { createVariant, exerciseSlugs, getExercise, listExercises, renderSolution, variantMistakes } from "../../exercises";

const cases = exerciseSlugs().flatMap((slug) =>
  [{}, ...(getExercise(slug)!.examples ?? [])].map((params) => [slug, params] as [string, Record<string, unknown>]),
);

/** Plain text that still has TeX syntax in it: x_j, n_{j}, σ^2. */
const RAW_TEX = /[A-Za-z\u0370-\u03ff\u0302\u00b2)]_[A-Za-z0-9{]|\^[{(0-9-]|\\[a-z]+/;

/** `\\` outside any \begin{..}..\end{..}: a line break KaTeX lays out without row spacing. */
function topLevelBreaks(tex: string): number {
  let depth = 0;
  let count = 0;
  for (const m of tex.matchAll(/\\begin\{|\\end\{|\\\\/g)) {
    if (m[0] === "\\begin{") depth++;
    else if (m[0] === "\\end{") depth--;
    else if (depth === 0) count++;
  }
  return count;
}

describe.each(cases)("%s %j", (slug, params) => {
  const v = createVariant(slug, 11, params);

  test("step titles, prose, mistake messages and part labels carry no raw TeX", () => {
    const texts = [
      ...v.solution.steps.flatMap((s) => [s.title, s.text ?? ""]),
      ...variantMistakes(v).map((m) => m.message),
      ...getExercise(slug)!.mistakes(v.data as never, v.params as never, v.key).map((m) => m.message),
      ...getExercise(slug)!.parts(v.params as never).map((p) => p.label),
    ];
    expect(texts.filter((t) => RAW_TEX.test(t))).toEqual([]);
  });

  test("multi-line formulas keep their rows in a spaced environment (solution steps and question TeX)", () => {
    expect(v.solution.steps.filter((s) => s.tex !== undefined && topLevelBreaks(s.tex) > 0).map((s) => s.title)).toEqual([]);
    const context = getExercise(slug)!.questionContext(v.data as never, v.params as never);
    const texFields = Object.entries(context).filter(([name, value]) => /Tex$/.test(name) && typeof value === "string");
    expect(texFields.filter(([, value]) => topLevelBreaks(value as string) > 0).map(([name]) => name)).toEqual([]);
  });

  test("each step is numbered once (by the list) and its heading is an h3", () => {
    const html = renderSolution(v);
    expect(html).not.toMatch(/<h[1-6][^>]*>\s*\d+\.\s/);
    expect(html).not.toMatch(/<h[4-6]/);
    expect((html.match(/<li class="solution-step"><h3>/g) ?? []).length).toBe(v.solution.steps.length);
  });
});

test("catalogue titles and descriptions carry no raw TeX", () => {
  const bad = listExercises().flatMap((e) => [e.title, e.description]).filter((t) => RAW_TEX.test(t));
  expect(bad).toEqual([]);
});
