// Issue #12.1 in Chromium: the lecturer uploads the lecture's 16 points as CSV through the
// assignment builder; a student sees exactly those points and is graded against the solver's MLE.
// Screenshots of the builder's data field (phone, desktop; a refused file) and axe on each state.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { gaussianMle } from "../../src/solver";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";
import { LECTURE_POINTS } from "../support/lecture-data";
import { ROOT } from "../support/paths";

const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
const DESKTOP = { width: 1280, height: 800 };
const SHOTS = process.env.LIKELY_SHOTS_DIR ?? path.join(ROOT, ".tmp", "given-data-shots");
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const CSV = path.join(SHOTS, "lecture.csv");

beforeAll(() => {
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(CSV, `x\n${LECTURE_POINTS.map((v) => String(v).replace("-", "\u2212")).join("\n")}\n`);
});

async function pageAs(email: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await live.browser.newContext({ viewport })).newPage();
  await signIn(page, live.server.url, email);
  return page;
}

/** Serious or critical axe violations on the page as it is now. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    return (await w.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "heading-order").map((v) => `${v.id}: ${v.nodes.join(", ")}`);
}

async function openBuilder(page: Page): Promise<void> {
  await page.goto(`${live.server.url}/courses`);
  await page.click("text=ML101");
  await page.click("text=New assignment");
  await page.fill("#title", "Lecture 2: the class's own example");
  await page.selectOption("#item0_exercise", "gaussian-mle");
  await page.locator("details.given-data").first().locator("summary").click();
}

test("the lecture's 16 points uploaded as CSV through the builder: the student sees them and is graded against the solver's MLE", async () => {
  const instructor = await pageAs("instructor@example.edu", DESKTOP);
  await openBuilder(instructor);
  // A refused file first: the page names the line and column, and nothing is created.
  const badCsv = path.join(SHOTS, "bad.csv");
  fs.writeFileSync(badCsv, "x\n2.1\n0\nthree point five\n");
  await instructor.setInputFiles("#item0_datafile", badCsv);
  await Promise.all([instructor.waitForNavigation(), instructor.click("text=Create assignment")]);
  await expect(instructor.locator("#error-item0_data").textContent()).resolves.toBe('Exercise 1 data (uploaded file): line 4, column x: expected a number, got "three point five"');
  expect(await instructor.locator("#item0_data").inputValue()).toContain("three point five");
  await instructor.locator("#item0_data").scrollIntoViewIfNeeded();
  await instructor.screenshot({ path: path.join(SHOTS, "builder-refused-desktop.png"), fullPage: false });
  expect(await axe(instructor)).toEqual([]);

  await instructor.fill("#item0_data", "");
  await instructor.setInputFiles("#item0_datafile", CSV);
  await Promise.all([instructor.waitForNavigation(), instructor.click("text=Create assignment")]);
  expect(instructor.url()).toMatch(/\/assignments\/\d+\?created=1$/);
  await expect(instructor.locator("text=your data").count()).resolves.toBe(1);
  await instructor.screenshot({ path: path.join(SHOTS, "assignment-desktop.png"), fullPage: true });

  const mle = gaussianMle(LECTURE_POINTS);
  const student = await pageAs("student2@example.edu", PHONE);
  await student.click("text=Lecture 2: the class's own example");
  await student.click("text=Exercise 1");
  const shown = (await student.locator(".data-table td, .data-table li, table td").allTextContents()).map((s) => s.trim().replace("\u2212", "-")).filter((s) => s !== "" && !Number.isNaN(Number(s)));
  for (const v of LECTURE_POINTS) expect(shown).toContain(String(v));
  await student.screenshot({ path: path.join(SHOTS, "student-exercise-phone.png"), fullPage: true });
  await student.fill("#part-mean", "0.42");
  await student.fill("#part-variance", String((mle.variance * 16) / 15));
  await Promise.all([student.waitForNavigation(), student.click("button:has-text('Submit answer')")]);
  await expect(student.locator(".part.wrong .feedback").textContent()).resolves.toMatch(/n − 1/);
  await student.fill("#part-mean", "0.42");
  await student.fill("#part-variance", mle.variance.toPrecision(8));
  await Promise.all([student.waitForNavigation(), student.click("button:has-text('Submit answer')")]);
  expect(await student.locator(".part.correct").count()).toBe(2);
}, 120_000);

test.each([
  ["phone", PHONE],
  ["desktop", DESKTOP],
] as const)("the builder's data field at %s size: screenshot, fits the width, axe clean", async (size, viewport) => {
  const page = await pageAs("instructor@example.edu", viewport);
  await openBuilder(page);
  await page.fill("#item0_data", LECTURE_POINTS.join("\n"));
  await page.locator(".given-data-help details summary").click();
  const fieldset = page.locator(".item-fieldset").first();
  await fieldset.scrollIntoViewIfNeeded();
  await fieldset.screenshot({ path: path.join(SHOTS, `builder-data-${size}.png`) });
  await page.locator(".given-data-help").screenshot({ path: path.join(SHOTS, `builder-layouts-${size}.png`) });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = (await page.locator("#item0_data").boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(await axe(page)).toEqual([]);
  // The quiz builder's data field too.
  await page.goto(`${live.server.url}/courses`);
  await page.click("text=ML101");
  await page.goto(page.url().replace(/\/?$/, "/quizzes"));
  await page.locator("details.quiz-given-data").first().locator("summary").click();
  await page.locator(".quiz-row").first().screenshot({ path: path.join(SHOTS, `quiz-builder-data-${size}.png`) });
  expect(await axe(page)).toEqual([]);
}, 90_000);
