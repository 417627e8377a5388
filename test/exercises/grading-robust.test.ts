import { createVariant, gradeVariant, listExercises } from "../../exercises";
import { fillerAnswers } from "../support/answers";

// Seeds 209 (em-iteration) and 597 (m-step) once made a hard-assignment mistake hit a cluster of
// identical points, and grading any answer threw (a 500 on submit).
test.each([
  ["em-iteration", 209],
  ["m-step", 597],
])("%s seed %i grades without throwing", (slug, seed) => {
  const v = createVariant(slug, seed);
  const graded = gradeVariant(v, { weights: "0.5, 0.5", means: "0\n1", variances: "1, 1" });
  expect(graded.ok).toBe(true);
});

test("every exercise grades a readable answer for 300 seeds without throwing", () => {
  for (const info of listExercises()) {
    for (let seed = 1; seed <= 300; seed++) {
      const v = createVariant(info.slug, seed);
      expect(() => gradeVariant(v, fillerAnswers(info.parts))).not.toThrow();
    }
  }
});
