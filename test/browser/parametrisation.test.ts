/**
 * Issue 12 point 5 in Chromium: an instructor picks "standard deviation σ" in the assignment
 * builder's select; a student on a phone and on a desktop reads that the item asks for σ, types σ²
 * and is told it is the variance. Screenshots go to PARAM_SHOTS when set.
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";

const DESKTOP = { width: 1280, height: 800 };
const SHOTS = process.env.PARAM_SHOTS;
const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });

let courseId: number;
let assignment: { id: number; itemId: number };

async function open(size: "phone" | "desktop", email: string): Promise<Page> {
  const phone = size === "phone";
  const context = await live.browser.newContext({ viewport: phone ? PHONE : DESKTOP, isMobile: phone, hasTouch: phone });
  const page = await context.newPage();
  await signIn(page, live.server.url, email);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The page scrolls only vertically: nothing sticks out sideways. */
async function noSidewaysOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

beforeAll(async () => {
  courseId = (await live.server.db.course.findFirstOrThrow({ where: { code: "ML101" } })).id;
});

describe.each(["desktop", "phone"] as const)("on a %s", (size) => {
  test("the builder's select makes an item asking for σ", async () => {
    const page = await open(size, "instructor@example.edu");
    await page.goto(`${live.server.url}/courses/${courseId}/assignments/new`);
    await page.fill("#title", `σ homework (${size})`);
    await page.selectOption("#item0_exercise", "gaussian-mle");
    await page.selectOption("#item0_parametrisation", "variance=sd");
    expect(await noSidewaysOverflow(page)).toBe(true);
    await page.locator("#item0_parametrisation").scrollIntoViewIfNeeded();
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/builder-select-${size}.png` });
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]:has-text('Create')")]);
    const id = Number(/\/assignments\/(\d+)/.exec(page.url())![1]);
    const item = await live.server.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    expect(JSON.parse(item.params)).toEqual({ n: 10, parametrisation: { variance: "sd" } });
    if (size === "desktop") assignment = { id, itemId: item.id };
  });

  test("a student reads that the item asks for σ, types σ², and is told it is the variance", async () => {
    const page = await open(size, size === "phone" ? "student1@example.edu" : "student2@example.edu");
    await page.goto(`${live.server.url}/assignments/${assignment.id}/items/${assignment.itemId}`);
    expect(await page.textContent(".parametrisation-note")).toBe("This item asks for the standard deviation σ, not the variance σ².");
    expect(await page.textContent("label[for=part-variance]")).toContain("MLE of the standard deviation σ");
    const user = await live.server.db.user.findUniqueOrThrow({ where: { email: size === "phone" ? "student1@example.edu" : "student2@example.edu" } });
    const variant = await live.server.db.variant.findFirstOrThrow({ where: { itemId: assignment.itemId, userId: user.id } });
    const x = (JSON.parse(variant.data) as { x: number[] }).x;
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
    await page.fill("#part-mean", mean.toPrecision(6));
    await page.fill("#part-variance", variance.toPrecision(4));
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Submit answer')")]);
    const feedback = await page.textContent("#fb-variance");
    expect(feedback).toContain(`You gave the variance σ² = ${Number(variance.toPrecision(4))}; this item asks for the standard deviation σ.`);
    expect(await page.textContent("#fb-mean")).toContain("Correct.");
    expect(await noSidewaysOverflow(page)).toBe(true);
    await shot(page, `sigma-item-diagnosed-${size}`);
    if (SHOTS) await page.locator(".exercise-question").screenshot({ path: `${SHOTS}/sigma-question-${size}.png` });
  });
});

test.each(["desktop", "phone"] as const)("the quiz builder's select makes a σ question (%s)", async (size) => {
  const page = await open(size, "instructor@example.edu");
  await page.goto(`${live.server.url}/courses/${courseId}/quizzes`);
  await page.fill("input[name=title]", `σ quiz (${size})`);
  await page.selectOption("#exercise1", "spherical-gaussian-mle");
  await page.selectOption("#parametrisation1", "variance=sd");
  expect(await noSidewaysOverflow(page)).toBe(true);
  await page.locator("#exercise1").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -120));
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/quiz-builder-select-${size}.png` });
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Create quiz')")]);
  const id = Number(/\/quizzes\/(\d+)\/present/.exec(page.url())![1]);
  const item = await live.server.db.quizItem.findFirstOrThrow({ where: { quizId: id } });
  expect(JSON.parse(item.params)).toMatchObject({ parametrisation: { variance: "sd" } });
});
