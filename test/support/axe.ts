import fs from "node:fs";
import type { Page } from "playwright-core";

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** Moderate rules held to zero as well (as in test/browser/accessibility.test.ts). */
const ALSO_FAIL = ["heading-order", "empty-table-header"];

/** axe-core on the page as it is now: its serious and critical violations (and ALSO_FAIL), as "rule: nodes" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.waitForTimeout(250);
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical" || ALSO_FAIL.includes(v.id)).map((v) => `${v.id}: ${v.nodes.join(", ")}`);
}
