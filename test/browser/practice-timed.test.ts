import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { axeViolations } from "../support/axe";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";
import { TMP_DIR } from "../support/paths";

// Practice and timed exams as a student and an instructor use them in Chromium: the builder's
// fields, the exam clock ticking from the server's time, a late answer refused while a classmate's
// clock still runs, the practice page. Each state is checked with axe and photographed at phone
// and desktop sizes (LIKELY_SCREENSHOTS=dir to keep the pictures).

const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
const DESKTOP = { width: 1280, height: 800 };
const SHOTS = process.env.LIKELY_SCREENSHOTS ?? TMP_DIR;

async function page(email: string, size: "phone" | "desktop"): Promise<Page> {
  const phone = size === "phone";
  const context = await live.browser.newContext({ viewport: phone ? PHONE : DESKTOP, isMobile: phone, hasTouch: phone });
  const p = await context.newPage();
  await signIn(p, live.server.url, email);
  return p;
}

/** axe-clean, then a full-page picture. */
async function check(p: Page, name: string) {
  expect(await axeViolations(p)).toEqual([]);
  fs.mkdirSync(SHOTS, { recursive: true });
  const size = (p.viewportSize()?.width ?? 0) < 500 ? "phone" : "desktop";
  await p.screenshot({ path: path.join(SHOTS, `teaching-${name}-${size}.png`), fullPage: true });
}

test("a timed exam built in the form: the clock ticks, a late answer is refused while a classmate's clock runs, the instructor sees both clocks", async () => {
  const instructor = await page("instructor@example.edu", "desktop");
  await instructor.click("text=ML101");
  await instructor.click("text=New assignment");
  await instructor.fill("#title", "Timed quiz-exam");
  await instructor.selectOption("#kind", "exam");
  await instructor.fill("#timeLimitMinutes", "0.1"); // six seconds
  await instructor.selectOption("#item0_exercise", "gaussian-mle");
  await check(instructor, "builder");
  await Promise.all([instructor.waitForNavigation(), instructor.click("text=Create assignment")]);
  const assignmentId = Number(/\/assignments\/(\d+)/.exec(instructor.url())![1]);
  const itemId = (await live.server.db.assignmentItem.findFirstOrThrow({ where: { assignmentId } })).id;

  // Student 1 on a phone opens the exercise: the clock starts and ticks down.
  const s1 = await page("student1@example.edu", "phone");
  await s1.goto(`${live.server.url}/assignments/${assignmentId}/items/${itemId}`);
  const left = s1.locator("[data-clock-left]");
  await s1.waitForFunction(() => document.querySelector("[data-clock-static]")?.hasAttribute("hidden"));
  expect(await left.textContent()).toMatch(/^\d s left$/);
  await check(s1, "exam-clock");
  await s1.fill("#part-mean", "1.5");
  await s1.fill("#part-variance", "2.5");
  // At zero the page says so, and the status region announces it once.
  await s1.waitForFunction(() => document.querySelector("[data-clock-left]")?.textContent === "Time is up", undefined, { timeout: 10_000 });
  expect(await s1.textContent("[data-clock-announce]")).toBe("Time is up. Answers are no longer accepted.");

  // The instructor gives student 2 ten extra minutes (the extension form), then student 2 opens
  // it: their own clock runs while student 1's has ended.
  const s2id = (await live.server.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } })).id;
  await instructor.goto(`${live.server.url}/courses/${(await live.server.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).courseId}/students/${s2id}`);
  await instructor.fill(`#minutes-${assignmentId}`, "10");
  await Promise.all([instructor.waitForNavigation(), instructor.click(`form:has(#minutes-${assignmentId}) button`)]);
  expect(await instructor.textContent("body")).toContain("Extension saved.");
  const s2 = await page("student2@example.edu", "desktop");
  await s2.goto(`${live.server.url}/assignments/${assignmentId}/items/${itemId}`);
  expect(await s2.textContent("#exam-clock-title")).toBe("Timed exam: 10.1 min");
  await check(s2, "exam-clock");

  await Promise.all([s1.waitForNavigation(), s1.click("button:has-text('Submit answer')")]);
  expect(await s1.textContent("#result")).toMatch(/^Time is up: your 0\.1 minutes for this exam ended at/);
  expect(await s1.inputValue("#part-mean")).toBe("1.5");
  await check(s1, "exam-time-up");

  await s2.fill("#part-mean", "1");
  await s2.fill("#part-variance", "1");
  await Promise.all([s2.waitForNavigation(), s2.click("button:has-text('Submit answer')")]);
  expect(await s2.textContent("#result")).toContain("Attempt 1 graded");

  await instructor.goto(`${live.server.url}/assignments/${assignmentId}`);
  const rows = instructor.locator("section:has(#exam-clocks) tbody tr");
  expect(await rows.count()).toBe(2);
  const clocks = await instructor.textContent("section:has(#exam-clocks)");
  expect(clocks).toMatch(/Sam Student.*ended/s);
  expect(clocks).toMatch(/Noor Numpy.*10.*running/s);
  await check(instructor, "instructor-clocks");
  const phoneInstructor = await page("instructor@example.edu", "phone");
  await phoneInstructor.goto(`${live.server.url}/assignments/${assignmentId}`);
  await check(phoneInstructor, "instructor-clocks");
}, 90_000);

test("practice from the exercise page: a labelled page, the solution on request, another one; the gradebook does not change", async () => {
  const db = live.server.db;
  const item = await db.assignmentItem.findFirstOrThrow({ where: { exercise: "gaussian-mle", assignment: { title: { startsWith: "Week" } } }, include: { assignment: true } });
  const a = item.assignment;
  await db.assignment.update({ where: { id: a.id }, data: { practice: "always" } });
  const itemId = item.id;
  for (const size of ["phone", "desktop"] as const) {
    const s = await page("student3@example.edu", size);
    await s.goto(`${live.server.url}/assignments/${a.id}/items/${itemId}`);
    await check(s, "exercise-with-practice");
    await Promise.all([s.waitForNavigation(), s.click("button:has-text('Practise this')")]);
    expect(new URL(s.url()).pathname).toMatch(/^\/practice\/\d+$/);
    expect(await s.textContent(".practice-badge")).toBe("Practice · no stakes");
    await check(s, "practice");
    await s.fill("#part-mean", "1000");
    await s.fill("#part-variance", "1000");
    await Promise.all([s.waitForNavigation(), s.click("button:has-text('Check answer')")]);
    expect(await s.textContent("#result")).toContain("Practice attempt 1 checked");
    await Promise.all([s.waitForNavigation(), s.click("text=Show worked solution")]);
    expect(await s.textContent("#solution h2")).toBe("Worked solution");
    await check(s, "practice-solution");
    const before = s.url();
    await Promise.all([s.waitForNavigation(), s.click("button:has-text('Another one')")]);
    expect(s.url()).not.toBe(before.split("?")[0]);
  }
  const student = await db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
  expect(await db.submission.count({ where: { userId: student.id, variant: { itemId } } })).toBe(0);
  const instructor = await page("instructor@example.edu", "desktop");
  await instructor.goto(`${live.server.url}/assignments/${a.id}`);
  expect(await instructor.textContent("section:has(#practice-activity)")).toContain("Practice variants");
  await check(instructor, "instructor-practice");
}, 90_000);
