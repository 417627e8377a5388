import { runChecks, valueAsText } from "../../exercises/check";
import { exerciseSlugs } from "../../exercises";

describe("exercise self-check", () => {
  test.each(exerciseSlugs())("%s passes the check over seeds 1..10", (slug) => {
    const summary = runChecks({ seeds: 10, slugs: [slug] });
    expect(summary.failures).toEqual([]);
    expect(summary.passed).toBe(10);
  });

  test("values as text keep 10 significant digits", () => {
    expect(valueAsText(1 / 3)).toBe("0.3333333333");
    expect(valueAsText([1, 2])).toBe("1.000000000, 2.000000000");
    expect(valueAsText([[1], [2]])).toBe("[[1.000000000], [2.000000000]]");
  });
});
