import fc from "fast-check";
import { formatShape, parseAnswer, parseAnswers, type Shape } from "../../src/grading";

const scalar: Shape = { kind: "scalar" };
const vec3: Shape = { kind: "vector", length: 3 };
const mat2: Shape = { kind: "matrix", rows: 2, cols: 2 };
const RUNS = 10_000;

function ok(input: unknown, shape: Shape): unknown {
  const r = parseAnswer(input, shape);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got: ${r.message}`);
  return r.value;
}
function message(input: unknown, shape: Shape): string {
  const r = parseAnswer(input, shape);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected, got ${JSON.stringify(r.value)}`);
  return r.message;
}

describe("formatShape", () => {
  test("names each shape", () => {
    expect(formatShape(scalar)).toBe("a number");
    expect(formatShape(vec3)).toBe("a list of 3 numbers");
    expect(formatShape({ kind: "vector", length: 1 })).toBe("a list of 1 number");
    expect(formatShape(mat2)).toBe("a 2 x 2 matrix (2 rows of 2 numbers)");
  });
});

describe("parseAnswer: scalars", () => {
  test.each([
    ["-1.25", -1.25],
    [".5", 0.5],
    ["3.", 3],
    ["1e-3", 0.001],
    ["2.5E+4", 25000],
    ["3/8", 0.375],
    ["-1/3", -1 / 3],
    ["  42 \n", 42],
    ["+7", 7],
    ["1 / 4", 0.25],
    ["\u22122", -2],
    ["1e-400", 0],
  ])("accepts %j", (input, value) => {
    expect(ok(input, scalar)).toBe(value);
  });

  test("accepts finite JS numbers", () => {
    expect(ok(-0.5, scalar)).toBe(-0.5);
  });

  test.each([
    ["", /empty/],
    ["   ", /empty/],
    ["NaN", /not a number/],
    ["nan", /not a number/],
    ["Infinity", /infinity/i],
    ["-inf", /infinity/i],
    ["∞", /infinity/i],
    ["1e999", /too large/],
    ["0x1F", /hexadecimal/i],
    ["0o17", /octal/i],
    ["0b101", /binary/i],
    ["1,5", /use a dot as decimal separator/],
    ["1/0", /divides by zero/],
    ["0/0", /divides by zero/],
    ["abc", /"abc" is not a number/],
    ["1 2", /several values/],
    ["[5]", /without brackets/],
    ["1/2/3", /not a number or a fraction/],
    ["1e", /not a number/],
  ])("rejects %j with an explanation", (input, pattern) => {
    const m = message(input, scalar);
    expect(m).toMatch(pattern);
    expect(m).toContain("a number");
  });

  test.each([[NaN], [Infinity], [-Infinity], [true], [false], [null], [undefined], [{}], [[1]], [[[1]]], [Symbol("x")], [10n], [() => 1]])(
    "rejects the value %p",
    (input) => {
      expect(parseAnswer(input, scalar).ok).toBe(false);
    },
  );

  test("rejects input longer than 10,000 characters", () => {
    expect(message(" ".repeat(9_999) + "12", scalar)).toMatch(/too long/);
    expect(ok("1".padStart(10_000, "0"), scalar)).toBe(1);
  });
});

describe("parseAnswer: vectors", () => {
  test.each([
    ["1, 2, 3", [1, 2, 3]],
    ["1 2 3", [1, 2, 3]],
    ["1;2;3", [1, 2, 3]],
    ["[1, 2.5, 3/8]", [1, 2.5, 0.375]],
    ["[1. 2. 3.]", [1, 2, 3]],
    ["\t1,\n2 ,3 ", [1, 2, 3]],
  ])("accepts %j", (input, value) => {
    expect(ok(input, vec3)).toEqual(value);
  });

  test("accepts JSON arrays of numbers or numeric strings", () => {
    expect(ok([1, "2", "3/8"], vec3)).toEqual([1, 2, 0.375]);
  });

  test("a list of one number may be written as a plain number", () => {
    expect(ok("5", { kind: "vector", length: 1 })).toEqual([5]);
    expect(ok(5, { kind: "vector", length: 1 })).toEqual([5]);
  });

  test.each([
    ["1 2", "Expected a list of 3 numbers, got 2."],
    ["[1, 2, 3, 4]", "Expected a list of 3 numbers, got 4."],
    ["[]", "Expected a list of 3 numbers, got 0."],
  ])("names the expected length for %j", (input, expected) => {
    expect(message(input, vec3)).toBe(expected);
  });

  test("hints at comma decimals", () => {
    expect(message("1,5, 2,5", vec3)).toMatch(/got 4 .*use a dot/);
  });

  test.each([
    ["1,,2", /empty/],
    ["1, 2, 3,", /empty/],
    ["[1, 2, 3,]", /ends with a separator/],
    ["[1, 2, 3", /no matching "\]"/],
    ["[1, 2, 3] 4", /unexpected text/i],
    ["1 2 3]", /no matching "\["/],
    ["[[1, 2, 3]]", /nested deeper/],
    ["1 two 3", /entry 2: "two" is not a number/i],
    ["1 NaN 3", /entry 2: .*not a number/i],
    ["1 0x10 3", /hexadecimal/i],
    ["1 1/0 3", /divides by zero/],
  ])("rejects %j", (input, pattern) => {
    const m = message(input, vec3);
    expect(m).toMatch(pattern);
    expect(m).toContain("a list of 3 numbers");
  });

  test.each([[[1, [2], 3]], [[1, null, 3]], [[1, true, 3]], [[1, {}, 3]], [[1, NaN, 3]], [[1, Infinity, 3]], [{ 0: 1, 1: 2, 2: 3, length: 3 }]])(
    "rejects the JSON value %p",
    (input) => {
      expect(message(input, vec3)).toContain("a list of 3 numbers");
    },
  );

  test("rejects a sparse array instead of throwing", () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(parseAnswer([1, , 3], vec3).ok).toBe(false);
  });
});

describe("parseAnswer: matrices", () => {
  const identity = [
    [1, 0],
    [0, 1],
  ];
  test.each(["1 0; 0 1", "1 0\n0 1", "1, 0\r\n0, 1", "[[1,0],[0,1]]", "[[1. 0.]\n [0. 1.]]", "[1 0; 0 1]", " [ [1, 0], [0, 1] ] "])(
    "accepts %j",
    (input) => {
      expect(ok(input, mat2)).toEqual(identity);
    },
  );

  test("accepts nested JSON arrays", () => {
    expect(ok(identity, mat2)).toEqual(identity);
    expect(ok([["1/2", 0], [0, "1e-3"]], mat2)).toEqual([
      [0.5, 0],
      [0, 0.001],
    ]);
  });

  test("a 1 x 1 matrix may be a plain number; a single row may use one pair of brackets", () => {
    expect(ok("7", { kind: "matrix", rows: 1, cols: 1 })).toEqual([[7]]);
    expect(ok("[1, 2, 3]", { kind: "matrix", rows: 1, cols: 3 })).toEqual([[1, 2, 3]]);
  });

  test.each([
    ["1 0; 0 1; 1 1", "Expected a 2 x 2 matrix (2 rows of 2 numbers), got 3 rows."],
    ["1 0", "Expected a 2 x 2 matrix (2 rows of 2 numbers), got 1 row."],
    ["1 0\n0 1 2", "Row 2 has 3 numbers, but every row needs 2. Expected a 2 x 2 matrix (2 rows of 2 numbers)."],
    ["[[1,0],[0]]", "Row 2 has 1 number, but every row needs 2. Expected a 2 x 2 matrix (2 rows of 2 numbers)."],
  ])("explains %j", (input, expected) => {
    expect(message(input, mat2)).toBe(expected);
  });

  test.each([
    ["[[[1]]]", /nested deeper/],
    ["[1, 0, 0, 1]", /row in brackets/],
    ["[[1, 0], 0]", /row 2 is a single entry/i],
    ["1 0;; 0 1", /row 2 is empty/i],
    ["1 x; 0 1", /row 1, entry 2: "x" is not a number/i],
  ])("rejects %j", (input, pattern) => {
    const m = message(input, mat2);
    expect(m).toMatch(pattern);
    expect(m).toContain("a 2 x 2 matrix");
  });

  test("rejects JSON nested deeper than the shape", () => {
    expect(message([[[1], 0], [0, 1]], mat2)).toMatch(/nested deeper/);
    expect(message([1, 0], mat2)).toMatch(/single entry/);
  });
});

describe("parseAnswer: properties", () => {
  const shapes = fc.constantFrom<Shape>(scalar, vec3, mat2, { kind: "vector", length: 1 }, { kind: "matrix", rows: 1, cols: 3 });

  test("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.stringMatching(/^[\d\s.,;eE+\-/\[\]]{0,30}$/)), shapes, (s, shape) => {
        const r = parseAnswer(s, shape);
        expect(typeof r.ok).toBe("boolean");
        if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  test("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), shapes, (v, shape) => {
        expect(typeof parseAnswer(v, shape).ok).toBe("boolean");
      }),
      { numRuns: RUNS },
    );
  });

  test("never throws on arbitrary JS values", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }), shapes, (v, shape) => {
        expect(typeof parseAnswer(v, shape).ok).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });

  test("a parsed value always has the requested shape and finite entries", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.stringMatching(/^[\d\s.,;eE+\-/\[\]]{0,30}$/)), shapes, (v, shape) => {
        const r = parseAnswer(v, shape);
        if (!r.ok) return;
        if (shape.kind === "scalar") expect(typeof r.value).toBe("number");
        else if (shape.kind === "vector") expect((r.value as number[]).length).toBe(shape.length);
        else {
          expect((r.value as number[][]).length).toBe(shape.rows);
          for (const row of r.value as number[][]) expect(row.length).toBe(shape.cols);
        }
        const flat = ([] as unknown[]).concat(r.value).flat();
        for (const x of flat) expect(Number.isFinite(x)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  test("round-trips String(x), toExponential(k) and toFixed(k)", () => {
    fc.assert(
      fc.property(finite, fc.integer({ min: 0, max: 20 }), (x, k) => {
        for (const s of [String(x), x.toExponential(k), x.toFixed(k)]) {
          // Rounding can overflow (1.5e308.toExponential(0) is "2e+308"): that must be rejected.
          if (!Number.isFinite(Number(s))) {
            expect(parseAnswer(s, scalar).ok).toBe(false);
            continue;
          }
          const r = parseAnswer(s, scalar);
          expect(r).toEqual({ ok: true, value: Number(s) });
        }
      }),
      { numRuns: RUNS },
    );
  });

  test("round-trips lists of formatted numbers", () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 3, maxLength: 3 }), fc.constantFrom(", ", " ", "; ", "\n"), (xs, sep) => {
        const r = parseAnswer(xs.map(String).join(sep), vec3);
        expect(r).toEqual({ ok: true, value: xs.map((x) => Number(String(x))) });
      }),
      { numRuns: RUNS },
    );
  });

  test("rejects NaN and Infinity in any spelling", () => {
    const spelled = fc
      .tuple(fc.constantFrom("", "+", "-", " "), fc.constantFrom("nan", "inf", "infinity", "∞"), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }))
      .map(([sign, word, upper]) => sign + [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));
    fc.assert(
      fc.property(spelled, (s) => {
        expect(parseAnswer(s, scalar).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.integer({ min: 309, max: 100_000 }), fc.double({ min: 1, max: 9.99, noNaN: true }), (e, m) => {
        expect(parseAnswer(`${m}e${e}`, scalar).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  test("rejects empty and blank input", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t\r\n\u00a0\u2003]*$/), shapes, (s, shape) => {
        const r = parseAnswer(s, shape);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toMatch(/empty/);
      }),
      { numRuns: RUNS },
    );
  });

  test("rejects hexadecimal, octal and binary", () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(["0x", 16], ["0X", 16], ["0o", 8], ["0b", 2]) as fc.Arbitrary<[string, number]>, fc.constantFrom("", "-"), (n, [prefix, radix], sign) => {
        const r = parseAnswer(sign + prefix + n.toString(radix), scalar);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toMatch(/hexadecimal|octal|binary/i);
      }),
      { numRuns: RUNS },
    );
  });

  test("rejects comma decimals for a scalar, asking for a dot", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 10 ** 9 }), fc.constantFrom("", "-"), (a, b, sign) => {
        const r = parseAnswer(`${sign}${a},${b}`, scalar);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toContain("use a dot as decimal separator");
      }),
      { numRuns: RUNS },
    );
  });

  test("rejects input over 10,000 characters, whatever it contains", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_001, max: 30_000 }), fc.constantFrom("1", " ", "1,", "[", "9 "), shapes, (n, unit, shape) => {
        const r = parseAnswer(unit.repeat(Math.ceil(n / unit.length)), shape);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toMatch(/too long|empty/);
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseAnswers", () => {
  const parts = [
    { name: "mean", label: "Mean", shape: scalar },
    { name: "variance", label: "Variance", shape: scalar },
  ];

  test("parses every part", () => {
    const r = parseAnswers(parts, { mean: "1.5", variance: 2 });
    expect(r).toEqual({ ok: true, values: { mean: 1.5, variance: 2 } });
  });

  test("reports unknown and missing parts, and each parse error", () => {
    const r = parseAnswers(parts, { mean: "1,5", foo: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.foo).toBe('unknown part "foo"; expected one of: mean, variance');
    expect(r.errors.variance).toBe("missing answer");
    expect(r.errors.mean).toMatch(/use a dot/);
  });

  test("keys like __proto__ and constructor pollute nothing", () => {
    const raw = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "mean": "1", "variance": "2"}');
    const r = parseAnswers(parts, raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.errors)).toBeNull();
  });

  test("a part named like an Object.prototype member is missing when not given", () => {
    const r = parseAnswers([{ name: "constructor", shape: scalar }, { name: "toString", shape: scalar }], {});
    expect(r).toEqual({ ok: false, errors: expect.objectContaining({ constructor: "missing answer", toString: "missing answer" }) });
  });

  test("values are a prototype-free record", () => {
    const r = parseAnswers([{ name: "__proto__", shape: scalar }], JSON.parse('{"__proto__": "3"}'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.values)).toBeNull();
    expect(Object.keys(r.values)).toEqual(["__proto__"]);
    expect(r.values["__proto__"]).toBe(3);
  });

  test("rejects a non-object", () => {
    expect(parseAnswers(parts, null as unknown as Record<string, unknown>).ok).toBe(false);
    expect(parseAnswers(parts, [1, 2] as unknown as Record<string, unknown>).ok).toBe(false);
  });
});

describe("parseAnswer: adversarial input stays fast", () => {
  const shapes: Shape[] = [scalar, vec3, mat2];
  const nasty = [
    "1".repeat(9_999) + "x",
    "1".repeat(5_000) + "/" + "1".repeat(4_998) + "x",
    "1".repeat(4_999) + "/" + "1".repeat(4_999) + "e",
    "1" + " ".repeat(9_997) + "x",
    "1" + " \t".repeat(4_998) + "/",
    "[".repeat(5_000) + "]".repeat(5_000),
    "1,".repeat(4_999) + "1",
    "1;".repeat(4_999) + "1",
    "1\n".repeat(4_999) + "1",
    "[" + "1 ".repeat(4_998) + "]",
    "1e" + "1".repeat(9_990) + "x",
    ".".repeat(10_000),
    "-".repeat(10_000),
    "/".repeat(10_000),
  ];
  // Catastrophic backtracking took minutes on these; linear parsing takes well under a millisecond.
  // The bound is far above that so a loaded CI machine cannot fail it, and far below a hang.
  test.each(nasty.map((s) => [s.slice(0, 16), s]))("%j... is answered within a second", (_label, s) => {
    for (const shape of shapes) {
      const t0 = process.hrtime.bigint();
      const r = parseAnswer(s, shape);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(typeof r.ok).toBe("boolean");
      expect(ms).toBeLessThan(1000);
    }
  });
});

describe("parseAnswer: unambiguous matrix forms (issue 13, finding 4)", () => {
  const identity = [
    [1, 0],
    [0, 1],
  ];
  const column = { kind: "matrix", rows: 2, cols: 1 } as const;
  test.each([["-2.14, 3.98"], ["-2.14 3.98"], ["[-2.14, 3.98]"], ["[-2.14 3.98]"], ["-2.14; 3.98"], ["-2.14\n3.98"], ["[[-2.14], [3.98]]"], ["-2.14; 3.98;"]])(
    "a k x 1 matrix (means of a 1-D mixture) accepts %j",
    (input) => {
      expect(ok(input, column)).toEqual([[-2.14], [3.98]]);
    },
  );
  test("a k x 1 matrix accepts a flat JSON list", () => {
    expect(ok([-2.14, 3.98], column)).toEqual([[-2.14], [3.98]]);
    expect(ok(["-2.14", "3.98"], column)).toEqual([[-2.14], [3.98]]);
  });
  test("a k x 1 matrix still rejects a list of the wrong length", () => {
    expect(message("1, 2, 3", column)).toContain("a 2 x 1 matrix");
  });
  test.each([["1 0; 0 1;"], ["1 0; 0 1 ;\n"], ["1 0\n0 1;"], ["[1 0; 0 1;]"]])("a trailing semicolon ends a matrix: %j", (input) => {
    expect(ok(input, mat2)).toEqual(identity);
  });
  test("a trailing semicolon ends a list", () => {
    expect(ok("1; 2; 3;", { kind: "vector", length: 3 })).toEqual([1, 2, 3]);
  });
});
