import { entryLabel, firstEntry, questionStats, trimOutliers, type ResponseForStats } from "../../src/quiz/results";

const part = (correct: boolean, mistake?: { id: string; message: string }) => ({
  name: "mean",
  correct,
  feedback: mistake ? mistake.message : correct ? "Correct." : "Not within the tolerance.",
  ...(mistake ? { mistake: mistake.id } : {}),
});
const nMinus1 = { id: "n-minus-1", message: "You divided by n − 1." };

function response(mean: unknown, parts: ReturnType<typeof part>[], key: Record<string, unknown> = { mean: 2 }): ResponseForStats {
  return { parsed: { mean }, results: parts, score: parts.filter((p) => p.correct).length / parts.length, key };
}

test("first entry of scalars, vectors and matrices, and axis labels", () => {
  expect(firstEntry(2.5)).toBe(2.5);
  expect(firstEntry([1, 2])).toBe(1);
  expect(firstEntry([[3, 4], [5, 6]])).toBe(3);
  expect(firstEntry(undefined)).toBeNaN();
  expect(entryLabel("Mean μ", { kind: "scalar" })).toBe("Mean μ");
  expect(entryLabel("Mean vector", { kind: "vector", length: 2 })).toBe("Mean vector, first entry");
  expect(entryLabel("Covariance", { kind: "matrix", rows: 2, cols: 2 })).toBe("Covariance, entry (1, 1)");
});

test("shared data: histogram of answers around the key, groups by diagnosed mistake", () => {
  const stats = questionStats(
    [
      response(2, [part(true), { ...part(true), name: "variance" }]),
      response(2.001, [part(true), { ...part(true), name: "variance" }]),
      response(2, [part(true), { ...part(false, nMinus1), name: "variance" }]),
      response(2, [part(true), { ...part(false, nMinus1), name: "variance" }]),
      response(7, [part(false), { ...part(false), name: "variance" }]),
    ],
    [
      { name: "mean", label: "Mean μ", shape: { kind: "scalar" } },
      { name: "variance", label: "Variance σ²", shape: { kind: "scalar" } },
    ],
    false,
    3,
  );
  expect(stats).toMatchObject({ responses: 5, correct: 2, shareCorrect: 0.4 });
  expect(stats.histogram).toMatchObject({ part: "mean", axisLabel: "Mean μ", mode: "value", correct: 2 });
  expect(stats.histogram.values.length + stats.histogram.offChart).toBe(5);
  expect(stats.groups).toEqual([
    { kind: "correct", label: "Correct", count: 2 },
    { kind: "mistake", label: "You divided by n − 1.", count: 2 },
    { kind: "other", label: "Other wrong", count: 1 },
    { kind: "unreadable", label: "Unreadable (not stored)", count: 3 },
  ]);
  // Per part: the mean was right 4 times, the variance twice, with the n − 1 mistake twice.
  expect(stats.parts.map((p) => [p.part, p.correct])).toEqual([
    ["mean", 4],
    ["variance", 2],
  ]);
  expect(stats.parts[1]!.groups).toEqual([
    { kind: "correct", label: "Correct", count: 2 },
    { kind: "mistake", label: "You divided by n − 1.", count: 2 },
    { kind: "other", label: "Other wrong", count: 1 },
  ]);
});

test("personal data: the histogram shows each answer's error against its own key", () => {
  const stats = questionStats(
    [response([1.5, 0], [part(true)], { mean: [1.5, 0] }), response([4, 1], [part(false)], { mean: [3, 1] })],
    [{ name: "mean", label: "Mean vector", shape: { kind: "vector", length: 2 } }],
    true,
    0,
  );
  expect(stats.histogram).toMatchObject({ mode: "error", correct: 0, values: [0, 1] });
  expect(stats.histogram.axisLabel).toBe("error in Mean vector, first entry (answer − own correct value)");
});

test("one wild answer does not squash the axis", () => {
  const values = [1.9, 2, 2.05, 2.1, 1.95, 2.02, 1e9];
  const { kept, dropped } = trimOutliers(values, 2);
  expect(dropped).toBe(1);
  expect(kept).toHaveLength(6);
  expect(trimOutliers([1, 2, 3], null)).toEqual({ kept: [1, 2, 3], dropped: 0 });
  const none = questionStats([], [{ name: "mean", label: "Mean" }], false, 0);
  expect(none).toMatchObject({ responses: 0, correct: 0, shareCorrect: null, histogram: { values: [], correct: null } });
});
