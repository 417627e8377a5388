/**
 * Issue 13 where the student meets it, in Chromium: after Submit the page lands on the result (or
 * the first unreadable answer), focused and clear of the sticky header, on a phone and a desktop,
 * with and without JavaScript (finding 1); on a phone, the worked solution's answers, the
 * submission history, wide formulas and plot labels are readable (finding 5); a matrix answer box
 * shows every row (finding 4).
 */
import type { Page } from "playwright-core";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/live-server";

const DESKTOP = { width: 1280, height: 800 };
const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });

let week1: { id: number; gaussian: number };
let revealed: { id: number; itemId: number };
let week3: { id: number; estep: number };

beforeAll(async () => {
  const db = live.server.db;
  const a = await db.assignment.findFirstOrThrow({ where: { title: { startsWith: "Week 1" } }, include: { items: true } });
  week1 = { id: a.id, gaussian: a.items.find((i) => i.exercise === "gaussian-mle")!.id };
  const w3 = await db.assignment.findFirstOrThrow({ where: { title: { startsWith: "Week 3" } }, include: { items: true } });
  week3 = { id: w3.id, estep: w3.items.find((i) => i.exercise === "e-step")!.id };
  const tokenRes = await fetch(`${live.server.url}/api/v1/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: "instructor@example.edu", password: TEST_PASSWORD }) });
  const { token } = (await tokenRes.json()) as { token: string };
  const created = await fetch(`${live.server.url}/api/v1/courses/${a.courseId}/assignments`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ title: "Solutions on a phone", kind: "homework", maxAttempts: 1, revealPolicy: "after-attempts", items: [{ exercise: "em-iteration", params: { n: 8, d: 1, k: 2 } }] }),
  });
  const id = ((await created.json()) as { id: number }).id;
  revealed = { id, itemId: (await db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } })).id };
});

async function open(size: "phone" | "desktop", email: string, javaScriptEnabled = true): Promise<Page> {
  const phone = size === "phone";
  const context = await live.browser.newContext({ viewport: phone ? PHONE : DESKTOP, isMobile: phone, hasTouch: phone, javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page, live.server.url, email);
  return page;
}

/** Where an element is relative to the visible area below the sticky header. */
async function placement(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel)!;
    const r = el.getBoundingClientRect();
    const header = document.querySelector(".topbar")!.getBoundingClientRect().bottom;
    return { belowHeader: r.top >= header - 1, onScreen: r.bottom <= window.innerHeight + 1 && r.top < window.innerHeight, focused: document.activeElement === el };
  }, selector);
}

async function submit(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Submit answer')")]);
  await page.waitForLoadState("load");
  await page.waitForTimeout(100);
}

describe.each([
  ["phone", true, "student1@example.edu"],
  ["phone", false, "student1@example.edu"],
  ["desktop", true, "student2@example.edu"],
  ["desktop", false, "student2@example.edu"],
] as const)("finding 1 on a %s, JavaScript %s", (size, js, email) => {
  test("the graded result, then an unreadable answer, are where the page lands, focused, below the header", async () => {
    const page = await open(size, email, js);
    await page.goto(`${live.server.url}/assignments/${week1.id}/items/${week1.gaussian}`);
    await page.fill("#part-mean", "1");
    await page.fill("#part-variance", "2");
    await submit(page);
    expect(await page.textContent("#result")).toMatch(/graded/);
    expect(await placement(page, "#result")).toEqual({ belowHeader: true, onScreen: true, focused: true });
    // The first part's feedback follows right under it.
    expect((await placement(page, "#fb-mean")).onScreen).toBe(true);

    await page.fill("#part-mean", "1");
    await page.fill("#part-variance", "two");
    await submit(page);
    expect(await placement(page, "#part-variance")).toEqual({ belowHeader: true, onScreen: true, focused: true });
    expect((await placement(page, "#err-variance")).onScreen).toBe(true);
    await page.context().close();
  }, 60_000);
});

describe("on a phone (finding 5) and matrix boxes (finding 4)", () => {
  test("the worked solution's answers and the submission history fit the screen; wide formulas scroll with a cue and take focus; plot labels are legible", async () => {
    const page = await open("phone", "student3@example.edu");
    await page.goto(`${live.server.url}/assignments/${revealed.id}/items/${revealed.itemId}`);
    await page.fill("#part-weights", "0.5, 0.5");
    await page.fill("#part-means", "1\n2");
    await page.fill("#part-variances", "1, 1");
    await submit(page);
    await page.waitForSelector(".solution .answer-table");
    await page.waitForTimeout(300);
    const layout = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const outside = (sel: string) =>
        Array.from(document.querySelectorAll(sel)).filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
        }).length;
      const count = (sel: string) => document.querySelectorAll(sel).length;
      const wide = Array.from(document.querySelectorAll<HTMLElement>(".katex-display")).filter((el) => el.scrollWidth > el.clientWidth);
      const svg = document.querySelector<SVGSVGElement>(".plot svg")!;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const ticks = Array.from(svg.querySelectorAll("text")).map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      return {
        pageOverflow: document.documentElement.scrollWidth - width,
        answerCells: count(".answer-table td, .answer-table th"),
        answerCellsOutside: outside(".answer-table td, .answer-table th, .answer-table .value-table td"),
        historyValues: count(".history .answer-text"),
        historyOutside: outside(".history .answer-text, .history dt"),
        wideFormulas: wide.length,
        wideWithoutFocus: wide.filter((el) => el.getAttribute("tabindex") !== "0").length,
        wideWithoutCue: wide.filter((el) => !/gradient/.test(getComputedStyle(el).backgroundImage)).length,
        smallestPlotText: Math.min(...ticks),
      };
    });
    expect(layout.pageOverflow).toBe(0);
    expect(layout.answerCells).toBeGreaterThan(0);
    expect(layout.answerCellsOutside).toBe(0);
    expect(layout.historyValues).toBe(3);
    expect(layout.historyOutside).toBe(0);
    expect(layout.wideFormulas).toBeGreaterThan(0);
    expect(layout.wideWithoutFocus).toBe(0);
    expect(layout.wideWithoutCue).toBe(0);
    expect(layout.smallestPlotText).toBeGreaterThanOrEqual(9);
    await page.context().close();
  }, 60_000);

  test("the e-step's 4 x 2 answer box shows all 4 rows without scrolling", async () => {
    const page = await open("phone", "student3@example.edu");
    await page.goto(`${live.server.url}/assignments/${week3.id}/items/${week3.estep}`);
    await page.fill("#part-responsibilities", "0.51 0.49\n0.52 0.48\n0.53 0.47\n0.54 0.46");
    const box = await page.$eval("#part-responsibilities", (t) => ({ scroll: t.scrollHeight, client: t.clientHeight }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    await page.context().close();
  }, 60_000);
});
