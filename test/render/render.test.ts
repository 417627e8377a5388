import fc from "fast-check";
import { barChartSvg, densityCurvesSvg, escapeHtml, formatNumber, histogramSvg, scatterSvg, tex } from "../../src/render";
import { niceTicks, subsampleIndices } from "../../src/render/scale";
import { eigen2 } from "../../src/render/scatter-svg";
import { attrs, expectWellFormedSvg } from "./svg-helpers";

const EVIL = `<script>alert("x")</script> & 'q'`;

/** A fixed pseudo-random sequence for test data (no Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

describe("tex", () => {
  test("renders KaTeX markup with MathML", () => {
    const html = tex("\\hat\\mu = \\frac{1}{n}\\sum_{i=1}^n x_i");
    expect(html).toContain('class="katex"');
    expect(html).toContain("<math");
    expect(html).toContain("katex-html");
  });

  test("display mode", () => {
    expect(tex("x^2", { display: true })).toContain("katex-display");
    expect(tex("x^2")).not.toContain("katex-display");
  });

  test("is cached", () => {
    expect(tex("\\sigma^2")).toBe(tex("\\sigma^2"));
  });

  test("invalid LaTeX does not throw, and the output is safe", () => {
    const bad = tex("\\frac{1}{");
    expect(bad).toContain("katex-error");
    const html = tex("\\text{<script>alert(1)</script>}");
    expect(html).not.toContain("<script>");
    const link = tex("\\href{javascript:alert(1)}{x}");
    expect(link).not.toMatch(/href=|<a /);
  });
});

describe("escapeHtml", () => {
  test("escapes the five special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("formatNumber", () => {
  test.each([
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [0.123456, "0.1235"],
    [123.456, "123.5"],
    [-2.5, "-2.5"],
    [123456, "123500"],
    [1234567, "1.235e6"],
    [999999.9, "1e6"],
    [0.0001, "0.0001"],
    [0.00001234, "1.234e-5"],
    [-1e-30, "-1e-30"],
    [1e21, "1e21"],
  ])("formatNumber(%p) = %p", (x, s) => {
    expect(formatNumber(x)).toBe(s);
  });

  test("significant digits", () => {
    expect(formatNumber(Math.PI, 2)).toBe("3.1");
    expect(formatNumber(Math.PI, 8)).toBe("3.1415927");
  });

  test("never prints -0 or NaN for finite input", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 10 }), (x, k) => {
        const s = formatNumber(x, k);
        expect(s).not.toMatch(/^-0$|NaN|n\/a|∞|e\+/);
        expect(Number.isNaN(Number(s))).toBe(false);
        if (Math.abs(x) < 1e300) expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 10 ** (1 - k));
      }),
      { numRuns: 5000 },
    );
  });
});

describe("niceTicks", () => {
  test("uses 1, 2 or 5 times a power of ten and covers the data", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(0)), (lo, span) => {
        const { ticks, domain } = niceTicks(lo, lo + span, 5);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(12);
        expect(domain[0]).toBeLessThanOrEqual(lo);
        expect(domain[1]).toBeGreaterThanOrEqual(lo + span);
        const step = ticks[1]! - ticks[0]!;
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        // The difference of two ticks far from 0 carries their rounding error (|tick| * eps).
        const slack = 1e-6 + (10 * Math.abs(ticks[0]!) * Number.EPSILON) / step;
        expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < slack * m)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("histogramSvg", () => {
  const rand = lcg(7);
  const values = Array.from({ length: 500 }, () => rand() * 10 - 3);

  test("is well formed and its bar counts sum to n", () => {
    const svg = histogramSvg(values, { title: "Answers", xLabel: "value" });
    expectWellFormedSvg(svg);
    const bars = attrs(svg, "rect", "bar");
    expect(bars.length).toBeGreaterThan(1);
    expect(bars.reduce((s, b) => s + Number(b["data-count"]), 0)).toBe(500);
    expect(svg).toContain("<title>Answers</title>");
  });

  test("respects the bin count and ignores non-finite values", () => {
    const svg = histogramSvg([...values, NaN, Infinity], { bins: 7 });
    expectWellFormedSvg(svg);
    const bars = attrs(svg, "rect", "bar");
    expect(bars).toHaveLength(7);
    expect(bars.reduce((s, b) => s + Number(b["data-count"]), 0)).toBe(500);
  });

  test("property: counts sum to n for any data and bin count", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { maxLength: 200 }), fc.integer({ min: 1, max: 60 }), (xs, bins) => {
        const svg = histogramSvg(xs, { bins });
        expectWellFormedSvg(svg);
        const total = attrs(svg, "rect", "bar").reduce((s, b) => s + Number(b["data-count"]), 0);
        expect(total).toBe(xs.length);
      }),
      { numRuns: 300 },
    );
  });

  test("a single value, equal values and no values render without NaN", () => {
    for (const xs of [[3], [2, 2, 2], [0, 0], [-1e-300], []]) {
      const svg = histogramSvg(xs, { marker: { value: 2, label: "key" } });
      expectWellFormedSvg(svg);
      expect(attrs(svg, "rect", "bar").reduce((s, b) => s + Number(b["data-count"]), 0)).toBe(xs.length);
    }
  });

  test("draws the marker and escapes all text", () => {
    const svg = histogramSvg(values, { title: EVIL, xLabel: EVIL, marker: { value: 20, label: EVIL } });
    expectWellFormedSvg(svg);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;");
    expect(attrs(svg, "g", "marker")).toHaveLength(1);
  });
});

describe("scatterSvg", () => {
  const rand = lcg(42);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

  test("is well formed, coloured per label, with a legend", () => {
    const points = Array.from({ length: 300 }, (_, i) => [gauss() + (i % 3) * 4, gauss()]);
    const labels = points.map((_, i) => i % 3);
    const svg = scatterSvg(points, { labels, title: "Data", xLabel: "x1", yLabel: "x2" });
    expectWellFormedSvg(svg);
    const groups = attrs(svg, "path", "points-group");
    expect(groups.map((g) => g["data-label"])).toEqual(["0", "1", "2"]);
    expect(new Set(groups.map((g) => g.stroke)).size).toBe(3);
    expect(groups.reduce((s, g) => s + Number(g["data-count"]), 0)).toBe(300);
    expect(svg).toContain("Component 3");
  });

  test("ellipses for an axis-aligned covariance have radii sqrt(var) and 2 sqrt(var) in data units", () => {
    const svg = scatterSvg([[0, 0], [1, 1]], {
      ellipses: [{ mean: [1, -2], covariance: [[4, 0], [0, 0.25]], component: 1 }],
    });
    expectWellFormedSvg(svg);
    const ellipses = attrs(svg, "ellipse");
    expect(ellipses).toHaveLength(2);
    const one = ellipses.find((e) => e["data-sigma"] === "1")!;
    const two = ellipses.find((e) => e["data-sigma"] === "2")!;
    expect(Number(one.cx)).toBe(1);
    expect(Number(one.cy)).toBe(-2);
    expect(Number(one.rx)).toBeCloseTo(2, 12);
    expect(Number(one.ry)).toBeCloseTo(0.5, 12);
    expect(Number(two.rx)).toBeCloseTo(4, 12);
    expect(Number(two.ry)).toBeCloseTo(1, 12);
    expect(one.transform).toMatch(/^rotate\(0 1 -2\)$/);
    // The tallest variance along y gives a 90 degree rotation of the major axis.
    const tall = attrs(scatterSvg([[0, 0]], { ellipses: [{ mean: [0, 0], covariance: [[1, 0], [0, 9]], component: 0 }] }), "ellipse");
    expect(Number(tall[0]!.rx)).toBeCloseTo(3, 12);
    expect(Number(tall[0]!.ry)).toBeCloseTo(1, 12);
    expect(tall[0]!.transform).toMatch(/^rotate\(90 0 0\)$/);
  });

  test("the group transform maps data units to the plot area", () => {
    const svg = scatterSvg([[0, 0], [10, 10]], { ellipses: [{ mean: [5, 5], covariance: [[1, 0], [0, 1]], component: 0 }] });
    const g = attrs(svg, "g", "ellipses")[0]!;
    const [sx, , , sy, tx, ty] = g.transform!.replace(/^matrix\(|\)$/g, "").split(" ").map(Number) as number[];
    expect(sx).toBeGreaterThan(0);
    expect(sy).toBeLessThan(0); // y grows upwards in data, downwards in pixels
    // The mean's cross is drawn at the pixel position the transform gives.
    const mean = attrs(svg, "path", "mean")[0]!;
    const [, px, py] = /^M([\d.-]+) ([\d.-]+)/.exec(mean.d!)!.map(Number) as number[];
    expect(sx! * 5 + tx! - 6).toBeCloseTo(px!, 1);
    expect(sy! * 5 + ty!).toBeCloseTo(py!, 1);
  });

  test("eigen2 handles correlated covariances", () => {
    const e = eigen2([[2, 1], [1, 2]])!;
    expect(e.major).toBeCloseTo(3, 12);
    expect(e.minor).toBeCloseTo(1, 12);
    expect(e.angle).toBeCloseTo(Math.PI / 4, 12);
    expect(eigen2([[1, NaN], [0, 1]])).toBeUndefined();
    expect(eigen2([[0, 0], [0, 0]])).toEqual({ major: 0, minor: 0, angle: 0 });
  });

  test("100,000 points are subsampled deterministically to at most 3,000 marks", () => {
    const rand2 = lcg(1);
    const points = Array.from({ length: 100_000 }, () => [rand2(), rand2()]);
    const labels = points.map((_, i) => i % 4);
    const svg = scatterSvg(points, { labels });
    expectWellFormedSvg(svg);
    const marks = (svg.match(/h0/g) ?? []).length;
    expect(marks).toBeLessThanOrEqual(3000);
    expect(marks).toBeGreaterThan(2500);
    expect(svg.length).toBeLessThan(200_000);
    expect(scatterSvg(points, { labels })).toBe(svg);
    expect(svg).toContain("showing 3000 of 100000 points");
  });

  test("a single point, identical points, degenerate covariances and bad rows render without NaN", () => {
    expectWellFormedSvg(scatterSvg([[1, 2]]));
    expectWellFormedSvg(scatterSvg([[1, 2], [1, 2], [1, 2]]));
    expectWellFormedSvg(scatterSvg([]));
    expectWellFormedSvg(scatterSvg([[NaN, 1], [1], [2, 3]] as number[][]));
    expectWellFormedSvg(scatterSvg([[0, 0]], { ellipses: [{ mean: [0, 0], covariance: [[0, 0], [0, 0]], component: 2 }] }));
    expectWellFormedSvg(scatterSvg([[0, 0]], { ellipses: [{ mean: [0, 0], covariance: [[1, 2], [2, 1]], component: 0 }] }));
  });

  test("escapes title and axis labels", () => {
    const svg = scatterSvg([[0, 0], [1, 1]], { title: EVIL, xLabel: EVIL, yLabel: EVIL });
    expectWellFormedSvg(svg);
    expect(svg).not.toContain("<script>");
  });

  test("subsampleIndices is even and deterministic", () => {
    expect(subsampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(subsampleIndices(10, 5)).toEqual([0, 2, 4, 6, 8]);
  });
});

describe("densityCurvesSvg", () => {
  const rand = lcg(3);
  const x = Array.from({ length: 400 }, (_, i) => (i % 2 ? 5 : 0) + rand() * 2 - 1);
  const components = [
    { weight: 0.5, mean: 0, variance: 0.33 },
    { weight: 0.5, mean: 5, variance: 0.33 },
  ];

  test("draws the data, each weighted component and their sum", () => {
    const svg = densityCurvesSvg(x, components, { title: "Mixture", xLabel: "x" });
    expectWellFormedSvg(svg);
    expect(attrs(svg, "path", "component")).toHaveLength(2);
    expect(attrs(svg, "path", "mixture")).toHaveLength(1);
    expect(attrs(svg, "path", "rug")).toHaveLength(1);
    expect(attrs(svg, "rect", "bar").reduce((s, b) => s + Number(b["data-count"]), 0)).toBe(400);
    expect(svg).toContain("Mixture");
  });

  test("degenerate inputs render without NaN", () => {
    expectWellFormedSvg(densityCurvesSvg([], []));
    expectWellFormedSvg(densityCurvesSvg([1], []));
    expectWellFormedSvg(densityCurvesSvg([2, 2, 2], [{ weight: 1, mean: 2, variance: 0 }]));
    expectWellFormedSvg(densityCurvesSvg([], [{ weight: 1, mean: 0, variance: 1 }]));
    expectWellFormedSvg(densityCurvesSvg([1, 2], [{ weight: NaN, mean: 0, variance: 1 }, { weight: 1, mean: 0, variance: 1e-12 }]));
  });

  test("escapes text", () => {
    const svg = densityCurvesSvg(x, components, { title: EVIL, xLabel: EVIL });
    expectWellFormedSvg(svg);
    expect(svg).not.toContain("<script>");
  });
});

describe("barChartSvg", () => {
  test("draws one bar per item and highlights one", () => {
    const bars = [0, 0.25, 0.5, 0.75, 1].map((s, i) => ({ label: String(s), value: [1, 3, 8, 12, 6][i]! }));
    const svg = barChartSvg(bars, { title: "Scores", yLabel: "students", highlight: "0.75" });
    expectWellFormedSvg(svg);
    const rects = attrs(svg, "rect", "bar");
    expect(rects).toHaveLength(5);
    expect(attrs(svg, "rect", "highlight")).toHaveLength(1);
    expect(rects.map((r) => r["data-value"])).toEqual(["1", "3", "8", "12", "6"]);
  });

  test("negative, non-finite, single and empty inputs render without NaN; labels are escaped", () => {
    expectWellFormedSvg(barChartSvg([]));
    expectWellFormedSvg(barChartSvg([{ label: "a", value: 0 }]));
    expectWellFormedSvg(barChartSvg([{ label: "a", value: -3 }, { label: "b", value: 2 }]));
    const svg = barChartSvg([{ label: EVIL, value: NaN }, { label: "b", value: Infinity }], { title: EVIL, yLabel: EVIL, highlight: EVIL });
    expectWellFormedSvg(svg);
    expect(svg).not.toContain("<script>");
  });
});
