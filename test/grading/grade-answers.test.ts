import { gradeAnswers, isClose, significantDigits, type Mistake, type PartSpec, type Value } from "../../src/grading";
import { hungarian, matchPermutation } from "../../src/grading/permutation";

const scalar = { kind: "scalar" } as const;

describe("gradeAnswers: parts, weights and feedback", () => {
  const parts: PartSpec[] = [
    { name: "mean", label: "Mean", shape: scalar, weight: 1 },
    { name: "variance", label: "Variance", shape: scalar, weight: 3 },
  ];
  const key = { mean: 2.5, variance: 1.25 };

  test("all correct scores 1 with 'Correct.'", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2.501, variance: 1.2501 } });
    expect(r.score).toBe(1);
    expect(r.parts).toEqual([
      { name: "mean", correct: true, feedback: "Correct." },
      { name: "variance", correct: true, feedback: "Correct." },
    ]);
    expect(r.permutation).toBeUndefined();
  });

  test("score is the weighted fraction of correct parts", () => {
    expect(gradeAnswers({ parts, key, answers: { mean: 2.5, variance: 9 } }).score).toBe(0.25);
    expect(gradeAnswers({ parts, key, answers: { mean: 9, variance: 1.25 } }).score).toBe(0.75);
    expect(gradeAnswers({ parts, key, answers: { mean: 9, variance: 9 } }).score).toBe(0);
  });

  test("default weight is 1", () => {
    const unweighted = parts.map(({ weight: _w, ...p }) => p);
    expect(gradeAnswers({ parts: unweighted, key, answers: { mean: 2.5, variance: 9 } }).score).toBe(0.5);
  });

  test("generic feedback states the tolerance and never the key", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 3, variance: 1.25 } });
    expect(r.parts[0]).toEqual({
      name: "mean",
      correct: false,
      feedback: "Your answer is too high. Give at least 3 significant digits: an answer within 1% of the exact value counts.",
    });
    expect(r.parts[0]!.feedback).not.toContain("2.5");
  });

  test("rtol and atol can be overridden", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2.6, variance: 1.25 }, rtol: 0.05, atol: 0.001 });
    expect(r.score).toBe(1);
    const wrong = gradeAnswers({ parts, key, answers: { mean: 2.5, variance: 2 }, rtol: 0.001, atol: 0 });
    expect(wrong.parts[1]!.feedback).toBe("Your answer is too high. Give at least 4 significant digits: an answer within 0.1% of the exact value counts.");
  });

  test("missing answers and wrong shapes are wrong, without revealing the key", () => {
    const vparts: PartSpec[] = [{ name: "mean", label: "Mean", shape: { kind: "vector", length: 2 } }];
    const r = gradeAnswers({ parts: vparts, key: { mean: [1, 2] }, answers: { mean: [1, 2, 3] } });
    expect(r.parts[0]).toEqual({ name: "mean", correct: false, feedback: "Expected a list of 2 numbers." });
    const missing = gradeAnswers({ parts: vparts, key: { mean: [1, 2] }, answers: {} });
    expect(missing.parts[0]!.correct).toBe(false);
    expect(missing.score).toBe(0);
  });

  test("inconsistent definitions fail fast", () => {
    expect(() => gradeAnswers({ parts, key: { mean: 1 }, answers: {} })).toThrow(/no key for part "variance"/);
    expect(() => gradeAnswers({ parts: [{ ...parts[0]!, weight: -1 }], key, answers: {} })).toThrow(/invalid weight/);
    expect(() => gradeAnswers({ parts, key, answers: {}, rtol: -1 })).toThrow(/rtol/);
  });
});

describe("gradeAnswers: mistake diagnosis", () => {
  const parts: PartSpec[] = [
    { name: "mean", label: "Mean", shape: scalar },
    { name: "variance", label: "Variance", shape: scalar },
  ];
  const key = { mean: 2, variance: 2 }; // n = 5
  const mistakes: Mistake[] = [
    { id: "unbiased", message: "You divided by n - 1; the MLE divides by n.", answers: { variance: 2.5 } },
    { id: "std", message: "You reported the standard deviation, not the variance.", answers: { variance: Math.SQRT2 } },
  ];

  test("a wrong answer matching a mistake gets its message and id", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2, variance: 2.51 }, mistakes });
    expect(r.parts[1]).toEqual({ name: "variance", correct: false, feedback: mistakes[0]!.message, mistake: "unbiased" });
    const r2 = gradeAnswers({ parts, key, answers: { mean: 2, variance: 1.414 }, mistakes });
    expect(r2.parts[1]!.mistake).toBe("std");
    expect(r2.score).toBe(0.5);
  });

  test("a correct answer is correct even when it also matches a mistake", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2, variance: 2 }, mistakes: [{ id: "same", message: "m", answers: { variance: 2.01 } }] });
    expect(r.parts[1]).toEqual({ name: "variance", correct: true, feedback: "Correct." });
  });

  test("an unknown wrong answer gets the generic feedback", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2, variance: 7 }, mistakes });
    expect(r.parts[1]!.mistake).toBeUndefined();
    expect(r.parts[1]!.feedback).toMatch(/^Your answer is too high\. Give at least 3 significant digits/);
  });

  test("mistakes only apply to the parts they name", () => {
    const r = gradeAnswers({ parts, key, answers: { mean: 2.5, variance: 2 }, mistakes });
    expect(r.parts[0]!.mistake).toBeUndefined();
  });
});

describe("gradeAnswers: permutation groups", () => {
  const parts: PartSpec[] = [
    { name: "weights", label: "Weights", shape: { kind: "vector", length: 2 }, permutationGroup: "components" },
    { name: "means", label: "Means", shape: { kind: "matrix", rows: 2, cols: 2 }, permutationGroup: "components" },
    { name: "variances", label: "Variances", shape: { kind: "vector", length: 2 }, permutationGroup: "components" },
  ];
  const key: Record<string, Value> = {
    weights: [0.3, 0.7],
    means: [
      [0, 0],
      [5, 5],
    ],
    variances: [1, 2],
  };

  test("a consistently swapped answer is fully correct and reports the permutation", () => {
    const answers = { weights: [0.7, 0.3], means: [[5, 5], [0, 0]], variances: [2, 1] };
    const r = gradeAnswers({ parts, key, answers });
    expect(r.score).toBe(1);
    expect(r.permutation).toEqual({ components: [1, 0] });
    expect(r.parts.every((p) => p.correct)).toBe(true);
  });

  test("the identity is chosen when the order already matches", () => {
    const r = gradeAnswers({ parts, key, answers: key });
    expect(r.permutation).toEqual({ components: [0, 1] });
    expect(r.score).toBe(1);
  });

  test("one permutation applies to all parts of the group", () => {
    // weights swapped, means not: only one of the two orders can be right.
    const answers = { weights: [0.7, 0.3], means: [[0, 0], [5, 5]], variances: [1, 2] };
    const r = gradeAnswers({ parts, key, answers });
    expect(r.permutation).toEqual({ components: [0, 1] });
    expect(r.parts.map((p) => p.correct)).toEqual([false, true, true]);
  });

  test("the permutation maximizes the weighted number of correct parts", () => {
    const weighted = parts.map((p) => (p.name === "weights" ? { ...p, weight: 5 } : p));
    const answers = { weights: [0.7, 0.3], means: [[0, 0], [5, 5]], variances: [1, 2] };
    const r = gradeAnswers({ parts: weighted, key, answers });
    expect(r.permutation).toEqual({ components: [1, 0] });
    expect(r.parts.map((p) => p.correct)).toEqual([true, false, false]);
    expect(r.score).toBeCloseTo(5 / 7, 12);
  });

  test("ties are broken by the smallest total relative error", () => {
    // No order makes any part correct; the swapped order is much nearer.
    const answers = { weights: [0.69, 0.31], means: [[5.5, 5.5], [0.5, 0.5]], variances: [2.2, 1.1] };
    const r = gradeAnswers({ parts, key, answers });
    expect(r.score).toBe(0);
    expect(r.permutation).toEqual({ components: [1, 0] });
  });

  test("equal components tie exactly and keep the identity", () => {
    const tied: Record<string, Value> = { weights: [0.5, 0.5], means: [[1, 1], [1, 1]], variances: [1, 1] };
    const r = gradeAnswers({ parts, key: tied, answers: tied });
    expect(r.permutation).toEqual({ components: [0, 1] });
    expect(r.score).toBe(1);
  });

  test("mistakes are checked after reordering", () => {
    const mistakes: Mistake[] = [{ id: "unnormalized", message: "Weights must sum to 1.", answers: { weights: [3, 7] } }];
    const answers = { weights: [7, 3], means: [[5, 5], [0, 0]], variances: [2, 1] };
    const r = gradeAnswers({ parts, key, answers, mistakes });
    expect(r.permutation).toEqual({ components: [1, 0] });
    expect(r.parts[0]).toMatchObject({ correct: false, mistake: "unnormalized" });
  });

  test("parts outside the group are graded as given", () => {
    const mixed: PartSpec[] = [...parts, { name: "loglik", label: "Log-likelihood", shape: scalar }];
    const r = gradeAnswers({ parts: mixed, key: { ...key, loglik: -10 }, answers: { ...key, loglik: -10.01 } });
    expect(r.score).toBe(1);
  });

  test("a group without a common component axis is a definition error", () => {
    const bad: PartSpec[] = [
      { name: "a", label: "a", shape: { kind: "vector", length: 2 }, permutationGroup: "g" },
      { name: "b", label: "b", shape: { kind: "vector", length: 3 }, permutationGroup: "g" },
    ];
    expect(() => gradeAnswers({ parts: bad, key: { a: [1, 2], b: [1, 2, 3] }, answers: {} })).toThrow(/common leading axis/);
  });

  function rotation(k: number, shift: number): number[] {
    return Array.from({ length: k }, (_, i) => (i + shift) % k);
  }

  test.each([3, 5, 7, 9, 12])("k = %i: a shuffled answer is found (brute force up to 7, assignment beyond)", (k) => {
    const kparts: PartSpec[] = [
      { name: "weights", label: "w", shape: { kind: "vector", length: k }, permutationGroup: "c" },
      { name: "means", label: "m", shape: { kind: "matrix", rows: k, cols: 2 }, permutationGroup: "c" },
    ];
    const kkey = {
      weights: Array.from({ length: k }, (_, i) => (i + 1) / ((k * (k + 1)) / 2)),
      means: Array.from({ length: k }, (_, i) => [i * 3, -i * 2]),
    };
    // Student's component j is key component order[j].
    const order = [...rotation(k, 2)].reverse();
    const answers = { weights: order.map((i) => kkey.weights[i]!), means: order.map((i) => kkey.means[i]!) };
    const r = gradeAnswers({ parts: kparts, key: kkey, answers });
    expect(r.score).toBe(1);
    const perm = r.permutation!.c!;
    for (let i = 0; i < k; i++) expect(order[perm[i]!]).toBe(i);
  });
});

describe("matchPermutation", () => {
  function input(close: boolean[][], error: number[][]) {
    return { weight: [1], close: [close], error: [error], k: close.length };
  }

  test("uses brute force up to k = 7 and the assignment fallback for k = 9", () => {
    const k7 = Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => i === j));
    const e7 = k7.map((row) => row.map((c) => (c ? 0 : 1)));
    expect(matchPermutation(input(k7, e7)).method).toBe("brute-force");
    const k9 = Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => j === (i + 4) % 9));
    const e9 = k9.map((row) => row.map((c) => (c ? 0 : 1)));
    const r = matchPermutation(input(k9, e9));
    expect(r.method).toBe("assignment");
    expect(r.perm).toEqual(Array.from({ length: 9 }, (_, i) => (i + 4) % 9));
    expect(r.correctWeight).toBe(1);
  });

  test("the fallback prefers the smaller error when nothing is close", () => {
    const k = 9;
    const close = Array.from({ length: k }, () => Array.from({ length: k }, () => false));
    const error = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (j === k - 1 - i ? 0.1 : 5)));
    const r = matchPermutation(input(close, error));
    expect(r.perm).toEqual(Array.from({ length: k }, (_, i) => k - 1 - i));
  });

  test("hungarian finds the optimal assignment against brute force on small matrices", () => {
    // A fixed pseudo-random sequence (no Math.random).
    let s = 12345;
    const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s / 2 ** 31);
    const perms = (n: number): number[][] =>
      n === 0 ? [[]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 6);
      const cost = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.floor(next() * 10)));
      const total = (p: number[]) => p.reduce((acc, j, i) => acc + cost[i]![j]!, 0);
      const best = Math.min(...perms(n).map(total));
      const assign = hungarian(cost);
      expect([...assign].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(total(assign)).toBe(best);
    }
  });
});

describe("gradeAnswers: permutation tie-break with a missing part", () => {
  test("a missing part in the group does not hide the error tie-break of the others", () => {
    const parts: PartSpec[] = [
      { name: "weights", label: "w", shape: { kind: "vector", length: 2 }, permutationGroup: "c" },
      { name: "variances", label: "v", shape: { kind: "vector", length: 2 }, permutationGroup: "c" },
    ];
    const r = gradeAnswers({ parts, key: { weights: [0.3, 0.7], variances: [1, 2] }, answers: { weights: [0.75, 0.35] } });
    expect(r.permutation).toEqual({ c: [1, 0] });
    expect(r.score).toBe(0);
    expect(r.parts[1]!.feedback).toBe("No answer was given for this part.");
  });
});

describe("gradeAnswers: plain-words feedback for undiagnosed wrong answers (issue 13, finding 3)", () => {
  const vec: PartSpec[] = [{ name: "w", label: "Weights", shape: { kind: "vector", length: 3 } }];
  const mat: PartSpec[] = [{ name: "m", label: "Means", shape: { kind: "matrix", rows: 2, cols: 2 } }];

  test("a scalar says too high or too low and the significant digits expected", () => {
    const parts: PartSpec[] = [{ name: "x", label: "x", shape: scalar }];
    const low = gradeAnswers({ parts, key: { x: 0.123456 }, answers: { x: 0.12 } }).parts[0]!.feedback;
    expect(low).toBe("Your answer is too low. Give at least 3 significant digits: an answer within 1% of the exact value counts.");
    expect(low).not.toMatch(/tolerance|1e-8|0\.1234/);
    expect(gradeAnswers({ parts, key: { x: -5 }, answers: { x: -4 } }).parts[0]!.feedback).toMatch(/^Your answer is too high\./);
  });

  test("lists and matrices name the entries that are off and their direction, never the key", () => {
    const v = gradeAnswers({ parts: vec, key: { w: [0.2, 0.3, 0.5] }, answers: { w: [0.25, 0.3, 0.4] } }).parts[0]!.feedback;
    expect(v).toBe("Entry 1 is too high; entry 3 is too low. Give at least 3 significant digits: an answer within 1% of the exact value counts.");
    const m = gradeAnswers({ parts: mat, key: { m: [[1, 2], [3, 4]] }, answers: { m: [[1, 2.5], [2, 1]] } }).parts[0]!.feedback;
    expect(m).toBe("Row 1 entry 2 is too high; row 2 entry 1 and row 2 entry 2 are too low. Give at least 3 significant digits: an answer within 1% of the exact value counts.");
  });

  test("a column (k x 1) is read by rows, a single row by entries", () => {
    const col: PartSpec[] = [{ name: "m", label: "Means", shape: { kind: "matrix", rows: 2, cols: 1 } }];
    expect(gradeAnswers({ parts: col, key: { m: [[-2], [4]] }, answers: { m: [[-3], [5]] } }).parts[0]!.feedback).toMatch(/^Row 1 is too low; row 2 is too high\./);
    const row: PartSpec[] = [{ name: "m", label: "Mean", shape: { kind: "matrix", rows: 1, cols: 2 } }];
    expect(gradeAnswers({ parts: row, key: { m: [[1, 2]] }, answers: { m: [[1, 3]] } }).parts[0]!.feedback).toMatch(/^Entry 2 is too high\./);
  });

  test("many entries off are counted, not listed", () => {
    const key = { m: [[1, 2], [3, 4]] };
    expect(gradeAnswers({ parts: mat, key, answers: { m: [[2, 3], [4, 1]] } }).parts[0]!.feedback).toMatch(/^All 4 entries are off: 3 too high and 1 too low\. Give at least 3/);
    const big: PartSpec[] = [{ name: "v", label: "v", shape: { kind: "vector", length: 6 } }];
    expect(gradeAnswers({ parts: big, key: { v: [1, 1, 1, 1, 1, 1] }, answers: { v: [0, 0, 0, 0, 1, 1] } }).parts[0]!.feedback).toMatch(/^4 of 6 entries are off: 4 too low\./);
  });

  test("the number of digits follows the item's relative tolerance", () => {
    expect(significantDigits(0.01)).toBe(3);
    expect(significantDigits(0.05)).toBe(2);
    expect(significantDigits(0.001)).toBe(4);
    expect(significantDigits(0.005)).toBe(3);
    expect(significantDigits(0)).toBeUndefined();
    // The promise holds: any value rounded to that many digits is accepted.
    for (const rtol of [0.05, 0.01, 0.005, 0.001]) {
      const s = significantDigits(rtol)!;
      for (const key of [1.04999, 1.5, 9.99949, 0.0123456, 123456]) {
        expect(isClose(Number(key.toPrecision(s)), key, rtol, 0)).toBe(true);
      }
    }
  });
});
