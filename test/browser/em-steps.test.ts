/**
 * Step-by-step EM in Chromium (issue 12, point 2): a student submits em-steps through the form
 * with wrong responsibilities and the M-step computed from them, and reads that the E-step
 * mistake is named while the M-step parts are right given their responsibilities. The page tells
 * the item's carried-forward rule before any submission. Screenshots at phone and desktop size.
 */
import type { Page } from "playwright-core";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";
import { forgotWeightsByHand, type InitialMixture, mStepByHand } from "../support/em-by-hand";
import { api, newToken } from "../support/http-client";
import { TEST_PASSWORD } from "../support/live-server";
import { TMP_DIR } from "../support/paths";

/** Screenshots go to the run's scratch folder (deleted afterwards) unless LIKELY_SCREENSHOTS names a folder to keep them. */
const SHOTS = process.env.LIKELY_SCREENSHOTS ?? TMP_DIR;
const DESKTOP = { width: 1280, height: 800 };
const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });

let assignmentId: number;
let items: { full: number; half: number };

beforeAll(async () => {
  const db = live.server.db;
  const course = await db.course.findFirstOrThrow({ where: { code: "ML101" } });
  const token = await newToken(live.server.url, "instructor@example.edu", TEST_PASSWORD);
  const created = await api(live.server.url, token, "POST", `/courses/${course.id}/assignments`, {
    title: "EM step by step",
    kind: "homework",
    items: [{ exercise: "em-steps" }, { exercise: "em-steps", carryForward: 0.5 }],
  });
  if (created.status !== 201) throw new Error(`creating the assignment: ${created.status} ${JSON.stringify(created.body)}`);
  assignmentId = (created.body as { id: number }).id;
  const rows = await db.assignmentItem.findMany({ where: { assignmentId }, orderBy: { position: "asc" } });
  items = { full: rows[0]!.id, half: rows[1]!.id };
});

const lines = (m: number[][]) => m.map((row) => row.map((v) => v.toPrecision(6)).join(", ")).join("\n");
const list = (v: number[]) => v.map((x) => x.toPrecision(6)).join(", ");

async function openAs(size: "phone" | "desktop", email: string, itemId: number): Promise<{ page: Page; data: { x: number[][]; init: InitialMixture } }> {
  const phone = size === "phone";
  const context = await live.browser.newContext({ viewport: phone ? PHONE : DESKTOP, isMobile: phone, hasTouch: phone });
  const page = await context.newPage();
  await signIn(page, live.server.url, email);
  await page.goto(`${live.server.url}/assignments/${assignmentId}/items/${itemId}`);
  if (!(await page.$("a:has-text('Download data (JSON)')"))) throw new Error(`no download link on ${page.url()}: ${(await page.textContent("main"))?.slice(0, 400)}`);
  // The student's own data, as the page's JSON download gives it.
  const href = await page.getAttribute("a:has-text('Download data (JSON)')", "href");
  const data = (await page.evaluate(async (u) => (await fetch(u!)).json(), href)) as { data: { x: number[][]; init: InitialMixture } };
  return { page, data: data.data };
}

async function submitCarried(page: Page, data: { x: number[][]; init: InitialMixture }): Promise<void> {
  const resp = forgotWeightsByHand(data.x, data.init);
  const m = mStepByHand(data.x, resp);
  await page.fill("#part-responsibilities", lines(resp));
  await page.fill("#part-weights", list(m.weights));
  await page.fill("#part-means", lines(m.means));
  await page.fill("#part-variances", list(m.variances));
  await Promise.all([page.waitForURL(/result=/), page.click("button:has-text('Submit answer')")]);
}

describe.each([
  ["phone", "student1@example.edu"],
  ["desktop", "student2@example.edu"],
] as const)("em-steps on a %s", (size, email) => {
  test("the rule is stated; wrong responsibilities with a consistent M-step: mistake named, M-step carried forward", async () => {
    const { page, data } = await openAs(size, email, items.full);
    expect(await page.textContent(".carry-forward-note")).toMatch(/counts, even when that earlier answer is wrong/);
    await page.screenshot({ path: `${SHOTS}/em-steps-question-${size}.png`, fullPage: true });
    await submitCarried(page, data);
    expect(await page.textContent("#result")).toMatch(/75%/);
    expect(await page.textContent("#fb-responsibilities")).toMatch(/left out the mixing weights/);
    for (const part of ["weights", "means", "variances"]) {
      const fb = (await page.textContent(`#fb-${part}`))!;
      expect(fb).toMatch(/✓\s*carried forward\s*Correct given your responsibilities/);
    }
    await page.locator("#result").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/em-steps-result-${size}.png`, fullPage: true });
  }, 60_000);

  test("half credit: the page says so before and after submitting", async () => {
    const { page, data } = await openAs(size, email, items.half);
    expect(await page.textContent(".carry-forward-note")).toMatch(/earns 50% of its points/);
    await submitCarried(page, data);
    expect(await page.textContent("#result")).toMatch(/38%|37\.5%/);
    expect(await page.textContent("#fb-means")).toMatch(/earn 50% of the points/);
  }, 60_000);
});

test("the builder form sets carried-forward credit per item; a value outside 0..1 is refused naming the input", async () => {
  const db = live.server.db;
  const course = await db.course.findFirstOrThrow({ where: { code: "ML101" } });
  for (const size of ["phone", "desktop"] as const) {
    const context = await live.browser.newContext({ viewport: size === "phone" ? PHONE : DESKTOP, isMobile: size === "phone", hasTouch: size === "phone" });
    const page = await context.newPage();
    await signIn(page, live.server.url, "instructor@example.edu");
    await page.goto(`${live.server.url}/courses/${course.id}/assignments/new`);
    await page.fill("#title", `Steps built on a ${size}`);
    await page.selectOption("#item0_exercise", "em-steps");
    await page.fill("#item0_carryForward", "2");
    await Promise.all([page.waitForNavigation(), page.click("text=Create assignment")]);
    expect(await page.getAttribute("#item0_carryForward", "aria-invalid")).toBe("true");
    expect(await page.textContent("main")).toMatch(/Exercise 1 carried-forward credit: must be from 0 \(off\) to 1/);
    await page.screenshot({ path: `${SHOTS}/em-steps-builder-error-${size}.png`, fullPage: true });
    expect(await db.assignment.count({ where: { title: `Steps built on a ${size}` } })).toBe(0);
    await page.fill("#item0_carryForward", "0.25");
    await Promise.all([page.waitForNavigation(), page.click("text=Create assignment")]);
    const created = await db.assignment.findFirstOrThrow({ where: { title: `Steps built on a ${size}` }, include: { items: true } });
    expect(created.items.map((i) => [i.exercise, i.carryForward])).toEqual([["em-steps", 0.25]]);
    expect(await page.textContent("main")).toMatch(/carried forward 25%/);
    await context.close();
  }
}, 90_000);
