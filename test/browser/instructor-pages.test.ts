// Issue 13, instructor side, in Chromium: the gradebook and the assignment form at real screen
// sizes, and screenshots (phone, desktop, projector) of every instructor page the fixes changed.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { PHONE, PROJECTOR, signIn, withServerAndBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/live-server";
import { ROOT } from "../support/paths";

const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
const DESKTOP = { width: 1280, height: 800 };
// Kept after the run (the scratch folder is not), to be looked at: LIKELY_SHOTS_DIR or .tmp/instructor-shots.
const SHOTS = process.env.LIKELY_SHOTS_DIR ?? path.join(ROOT, ".tmp", "instructor-shots");

async function api(method: string, url: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${live.server.url}${url}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

let token: string;
let courseId: number;
let assignmentIds: number[] = [];

beforeAll(async () => {
  token = (await api("POST", "/api/v1/tokens", undefined, { email: "instructor@example.edu", password: TEST_PASSWORD })).token;
  courseId = (await api("GET", "/api/v1/courses", token))[0].id;
  // Half a term: the demo's three assignments, four more with the titles instructors write, two
  // live quizzes, 20 more students.
  const titles = ["Week 4: Bernoulli MLE by hand", "Week 5: Gaussian mean and variance", "Week 6: Spherical Gaussians in 2-D", "Week 7: One EM iteration"];
  // The first starts strict (rtol 0.001), so widening it later changes grades.
  for (const title of titles) assignmentIds.push((await api("POST", `/api/v1/courses/${courseId}/assignments`, token, { title, kind: "homework", items: [{ exercise: "bernoulli-mle", rtol: 0.001 }] })).id);
  for (const title of ["Quiz: lecture 3 warm-up", "Quiz: lecture 5 EM check"]) {
    const quiz = await api("POST", `/api/v1/courses/${courseId}/quizzes`, token, { title, items: [{ exercise: "bernoulli-mle" }, { exercise: "gaussian-mle" }] });
    await api("POST", `/api/v1/quizzes/${quiz.id}/start`, token);
    await api("POST", `/api/v1/quizzes/${quiz.id}/end`, token);
  }
  const students = Array.from({ length: 20 }, (_, i) => ({ email: `learner${i + 1}@example.edu`, name: `Learner Number ${i + 1}`, password: "learner-password" }));
  await api("POST", `/api/v1/courses/${courseId}/students`, token, { students });
  fs.mkdirSync(SHOTS, { recursive: true });
}, 60_000);

async function instructorPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await live.browser.newContext({ viewport })).newPage();
  await signIn(page, live.server.url, "instructor@example.edu");
  return page;
}

test("finding 13: at 1280 px the gradebook shows Total and every quiz column, and names stay while it scrolls", async () => {
  const page = await instructorPage(DESKTOP);
  await page.goto(`${live.server.url}/courses/${courseId}/gradebook`);
  await page.screenshot({ path: path.join(SHOTS, "gradebook-check-desktop.png"), fullPage: true });
  for (const name of ["Total", "Quiz: lecture 3 warm-up", "Quiz: lecture 5 EM check"]) {
    const box = (await page.locator("thead th", { hasText: name }).boundingBox())!;
    expect({ name, right: box.x + box.width <= DESKTOP.width }).toEqual({ name, right: true });
  }
  await page.screenshot({ path: path.join(SHOTS, "gradebook-check-desktop.png"), fullPage: true });

  // On a phone the table scrolls sideways; the student column stays at the left edge.
  const phone = await instructorPage(PHONE);
  await phone.goto(`${live.server.url}/courses/${courseId}/gradebook`);
  await phone.locator(".gradebook").evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  const name = (await phone.locator("tbody tr").first().locator("th, td").first().boundingBox())!;
  expect(name.x).toBeGreaterThanOrEqual(0);
  expect(name.x).toBeLessThan(40);
  const total = (await phone.locator("thead th", { hasText: "Total" }).boundingBox())!;
  expect(total.x).toBeLessThan(PHONE.width); // Total comes right after the names
}, 60_000);

test("finding 12: exercise names are not cut off in the assignment form's dropdowns (desktop, projector)", async () => {
  // On a phone the closed dropdown is narrower than the longest title; its native picker shows them whole.
  for (const viewport of [DESKTOP, PROJECTOR]) {
    const page = await instructorPage(viewport);
    await page.goto(`${live.server.url}/courses/${courseId}/assignments/new`);
    const cut = await page.locator("#item0_exercise").evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20; // the arrow
      return Array.from(select.options).filter((o) => ctx.measureText(o.text).width > room).map((o) => o.text);
    });
    expect({ viewport, cut }).toEqual({ viewport, cut: [] });
  }
}, 60_000);

test("screenshots of every changed page at phone, desktop and projector size, none wider than the screen", async () => {
  const base = live.server.url;
  const a = assignmentIds[0]!;
  const itemId = (await live.server.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: a } })).id;
  // Some work to show: learners answer (one right, others off by a little or a lot), then the tolerance widens.
  for (let i = 1; i <= 6; i++) {
    const t = (await api("POST", "/api/v1/tokens", undefined, { email: `learner${i}@example.edu`, password: "learner-password" })).token;
    const view = await api("GET", `/api/v1/assignments/${a}`, t);
    const v = await live.server.db.variant.findUniqueOrThrow({ where: { id: view.items[0].variantId } });
    const theta = (JSON.parse(v.key) as { theta: number }).theta;
    await api("POST", `/api/v1/variants/${v.id}/submissions`, t, { answers: { theta: i === 1 ? theta : theta * [1, 1.003, 1.004, 1.3, 2.5, 0.5][i - 1]! } });
  }
  await live.server.db.assignmentItem.update({ where: { id: itemId }, data: { rtol: 0.01 } });
  const learner = await live.server.db.user.findUniqueOrThrow({ where: { email: "learner2@example.edu" } });

  const pages: { name: string; url: string; before?: (p: Page) => Promise<void> }[] = [
    { name: "assignment-form-error", url: `/courses/${courseId}/assignments/new`, before: async (p) => {
      await p.fill("#title", "Week 7: check");
      await p.selectOption("#item0_exercise", "gaussian-mle");
      await p.selectOption("#item1_exercise", "gaussian-mle");
      await p.fill("#item1_params", "bogus=1");
      await Promise.all([p.waitForNavigation(), p.click("text=Create assignment")]);
    } },
    { name: "assignment-edit", url: `/assignments/${a}/edit` },
    { name: "assignment", url: `/assignments/${a}` },
    { name: "item-stats", url: `/assignments/${a}/items/${itemId}/stats` },
    { name: "regrade-preview", url: `/assignments/${a}/items/${itemId}/regrade` },
    { name: "gradebook", url: `/courses/${courseId}/gradebook` },
    { name: "course", url: `/courses/${courseId}` },
    { name: "roster-import", url: `/courses/${courseId}/students`, before: async (p) => {
      await p.fill("#roster", "email,name\nnew.face@example.edu,New Face\nlearner3@example.edu,Learner Number 3\n");
      await Promise.all([p.waitForNavigation(), p.click("text=Import students")]);
    } },
    { name: "student-extension-confirm", url: `/courses/${courseId}/students/${learner.id}`, before: async (p) => {
      await live.server.db.assignment.update({ where: { id: a }, data: { dueAt: new Date(Date.now() - 60_000) } });
      const row = p.locator("tr", { hasText: "Week 4: Bernoulli MLE by hand" });
      await row.locator("input[name=dueAt]").fill("2099-01-01T12:00");
      await row.locator("input[name=extraAttempts]").fill("1");
      await Promise.all([p.waitForNavigation(), row.locator("button").click()]);
      expect(await p.textContent(".confirm-card")).toContain("already been revealed");
      await live.server.db.assignment.update({ where: { id: a }, data: { dueAt: null } });
    } },
  ];
  const sizes = { phone: PHONE, desktop: DESKTOP, projector: PROJECTOR };
  const overflow: string[] = [];
  for (const [sizeName, viewport] of Object.entries(sizes)) {
    const page = await instructorPage(viewport);
    for (const shot of pages) {
      await page.goto(base + shot.url);
      await shot.before?.(page);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wide > 0) {
        const culprits = await page.evaluate(() => Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !(e.parentElement && e.parentElement.closest(".table-scroll"))).slice(0, 5).map((e) => `${e.tagName}.${e.className}`));
        overflow.push(`${shot.name}@${sizeName}: ${wide}px (${culprits.join(", ")})`);
      }
      await page.screenshot({ path: path.join(SHOTS, `${shot.name}-${sizeName}.png`), fullPage: true });
    }
    await page.context().close();
  }
  // Applying the regrade and what the student then sees; the welcome and own-password pages.
  const instructor = await instructorPage(DESKTOP);
  await instructor.goto(`${base}/assignments/${a}/items/${itemId}/regrade`);
  await Promise.all([instructor.waitForNavigation(), instructor.click("button:has-text('Apply')")]);
  expect(await instructor.textContent(".notice")).toContain("Regrade applied");
  await instructor.screenshot({ path: path.join(SHOTS, "assignment-after-regrade-desktop.png"), fullPage: true });
  const link = await (async () => {
    await instructor.goto(`${base}/courses/${courseId}/students`);
    await instructor.fill("#roster", "email,name\nfresh.face@example.edu,Fresh Face\n");
    await Promise.all([instructor.waitForNavigation(), instructor.click("text=Import students")]);
    return (await instructor.locator(".setup-links a").first().getAttribute("href"))!;
  })();
  for (const [sizeName, viewport] of Object.entries(sizes)) {
    const student = await (await live.browser.newContext({ viewport })).newPage();
    await student.goto(`${base}/signin`);
    await student.fill("#email", "learner2@example.edu");
    await student.fill("#password", "learner-password");
    await Promise.all([student.waitForNavigation(), student.click("button[type=submit]")]);
    await student.screenshot({ path: path.join(SHOTS, `account-first-password-${sizeName}.png`), fullPage: true });
    await student.goto(`${base}/assignments/${a}`);
    expect(await student.textContent("body")).toContain("Your score was changed by a regrade");
    await student.screenshot({ path: path.join(SHOTS, `student-regrade-notice-${sizeName}.png`), fullPage: true });
    await student.goto(link);
    await student.screenshot({ path: path.join(SHOTS, `welcome-${sizeName}.png`), fullPage: true });
    for (const name of ["account-password", "student-regrade", "welcome"]) {
      const wide = await student.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wide > 0) overflow.push(`${name}@${sizeName}: ${wide}px`);
    }
    await student.context().close();
  }
  expect(overflow).toEqual([]);
}, 180_000);
