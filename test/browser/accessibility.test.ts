/**
 * axe-core over every page and state the browser tests visit (student, instructor, catalogue,
 * quiz presenter and phone views), at phone and desktop sizes, with the server's CSP in place
 * (axe is evaluated through the DevTools protocol, not injected as a page script). Serious and
 * critical violations fail the test, and so do the two lesser rules the audit reported (heading
 * order, empty table header). Then keyboard-only use of the exercise form and the
 * presenter view.
 */
import fs from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { listExercises } from "../../exercises";
import { PHONE, PROJECTOR, signIn, withServerAndBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/live-server";

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const DESKTOP = { width: 1280, height: 800 };
const SIZES = { phone: PHONE, desktop: DESKTOP } as const;

const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
});

/** Moderate or minor rules the user audit reported, held to zero too. */
const ALSO_FAIL = ["heading-order", "empty-table-header"];

type Finding = { state: string; size: string; rule: string; impact: string; nodes: string[] };

/** Runs axe on the page as it is now; returns the serious and critical violations. */
async function audit(page: Page, state: string, size: string): Promise<Finding[]> {
  // Let scroll-regions.js (and the quiz scripts) settle after load or a resize: the fonts, then two
  // frames (it checks the page once a frame after any change).
  await page.waitForTimeout(250);
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || ALSO_FAIL.includes(v.id))
    .map((v) => ({ state, size, rule: v.id, impact: v.impact, nodes: v.nodes }));
}

async function newPage(size: keyof typeof SIZES | "projector", email?: string): Promise<Page> {
  const phone = size === "phone";
  const context = await live.browser.newContext({ viewport: size === "projector" ? PROJECTOR : SIZES[size], isMobile: phone, hasTouch: phone });
  contexts.push(context);
  const page = await context.newPage();
  if (email) await signIn(page, live.server.url, email);
  return page;
}

async function api(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(live.server.url + path, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function token(email: string): Promise<string> {
  return (await api("POST", "/api/v1/tokens", null, { email, password: TEST_PASSWORD })).body.token as string;
}

let courseId: number;
let studentId: number;
let week1: { id: number; items: { id: number; exercise: string }[] };
let revealed: { id: number; itemId: number };
let quizId: number;

beforeAll(async () => {
  const db = live.server.db;
  const a = await db.assignment.findFirstOrThrow({ where: { title: { startsWith: "Week 1" } }, include: { items: { orderBy: { position: "asc" } } } });
  week1 = { id: a.id, items: a.items.map((i) => ({ id: i.id, exercise: i.exercise })) };
  courseId = a.courseId;
  studentId = (await db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } })).id;
  const instructor = await token("instructor@example.edu");
  // One attempt, solutions after it: the worked solution is on the page once student1 has submitted.
  const created = await api("POST", `/api/v1/courses/${courseId}/assignments`, instructor, {
    title: "Solutions shown", kind: "homework", maxAttempts: 1, revealPolicy: "after-attempts",
    items: [{ exercise: "gmm-known-labels", params: { n: 12, d: 1, k: 2 } }],
  });
  const item = await db.assignmentItem.findFirstOrThrow({ where: { assignmentId: created.body.id as number } });
  revealed = { id: created.body.id as number, itemId: item.id };
  const quiz = await api("POST", `/api/v1/courses/${courseId}/quizzes`, instructor, { title: "Warm-up", items: [{ exercise: "gaussian-mle" }, { exercise: "em-iteration" }], secondsPerQuestion: 120 });
  quizId = quiz.body.id as number;
}, 60_000);

const visited: string[] = [];
/** Audits the page and records the state as visited; returns its findings. */
async function check(page: Page, state: string, size: string): Promise<Finding[]> {
  visited.push(`${size} ${state}`);
  return audit(page, state, size);
}
const item = (i: number) => `${live.server.url}/assignments/${week1.id}/items/${week1.items[i]!.id}`;

describe.each(["phone", "desktop"] as const)("axe at %s size: no serious or critical violation", (size) => {
  test("signed out: sign-in and 404", async () => {
    const findings: Finding[] = [];
    const anon = await newPage(size);
    await anon.goto(`${live.server.url}/signin`);
    findings.push(...(await check(anon, "sign-in", size)));
    await anon.goto(`${live.server.url}/no-such-page`);
    findings.push(...(await check(anon, "404", size)));
    expect(findings).toEqual([]);
  }, 60_000);

  test("student pages: dashboard, assignment, every exercise, a result, unreadable answers, a worked solution", async () => {
    const findings: Finding[] = [];
    const student = await newPage(size, size === "phone" ? "student1@example.edu" : "student2@example.edu");
    await student.goto(`${live.server.url}/assignments`);
    findings.push(...(await check(student, "student dashboard", size)));
    await student.goto(`${live.server.url}/assignments/${week1.id}`);
    findings.push(...(await check(student, "student assignment", size)));
    for (let i = 0; i < week1.items.length; i++) {
      await student.goto(item(i));
      findings.push(...(await check(student, `exercise ${week1.items[i]!.exercise}`, size)));
    }
    await student.goto(item(2));
    await student.fill("#part-mean", "1");
    await student.fill("#part-variance", "2");
    await Promise.all([student.waitForURL(/result=/), student.click("button:has-text('Submit answer')")]);
    findings.push(...(await check(student, "exercise with a graded result and history", size)));
    await student.fill("#part-variance", "two");
    await Promise.all([student.waitForLoadState("load"), student.click("button:has-text('Submit answer')")]);
    await student.waitForSelector(".field-error");
    findings.push(...(await check(student, "exercise with unreadable answers (422)", size)));
    await student.goto(`${live.server.url}/assignments/${revealed.id}/items/${revealed.itemId}`);
    await student.fill("#part-weights", "0.5, 0.5");
    await student.fill("#part-means", "1\n2");
    await student.fill("#part-variances", "1, 1");
    await Promise.all([student.waitForURL(/result=/), student.click("button:has-text('Submit answer')")]);
    await student.waitForSelector(".solution");
    findings.push(...(await check(student, "exercise with its worked solution", size)));
    expect(findings).toEqual([]);
  }, 180_000);

  test("instructor pages", async () => {
    const findings: Finding[] = [];
    const teacher = await newPage(size, "instructor@example.edu");
    const variant = await live.server.db.variant.findFirstOrThrow({ where: { itemId: week1.items[2]!.id } });
    for (const [state, path] of [
      ["courses", "/courses"],
      ["new course", "/courses/new"],
      ["course", `/courses/${courseId}`],
      ["new assignment", `/courses/${courseId}/assignments/new`],
      ["instructor assignment", `/assignments/${week1.id}`],
      ["edit assignment", `/assignments/${week1.id}/edit`],
      ["item statistics", `/assignments/${week1.id}/items/${week1.items[2]!.id}/stats`],
      ["variant", `/variants/${variant.id}`],
      ["roster", `/courses/${courseId}/students`],
      ["student record", `/courses/${courseId}/students/${studentId}`],
      ["gradebook", `/courses/${courseId}/gradebook`],
      ["quizzes", `/courses/${courseId}/quizzes`],
      ["quiz results", `/quizzes/${quizId}/results`],
    ] as const) {
      const res = await teacher.goto(`${live.server.url}${path}`);
      expect({ state, status: res!.status() }).toEqual({ state, status: 200 });
      findings.push(...(await check(teacher, state, size)));
    }
    expect(findings).toEqual([]);
  }, 180_000);

  test("the catalogue and every exercise preview (question, key and worked solution)", async () => {
    const findings: Finding[] = [];
    const teacher = await newPage(size, "instructor@example.edu");
    await teacher.goto(`${live.server.url}/catalogue`);
    findings.push(...(await check(teacher, "catalogue", size)));
    for (const e of listExercises()) {
      await teacher.goto(`${live.server.url}/catalogue/${e.slug}?seed=42`);
      findings.push(...(await check(teacher, `catalogue preview ${e.slug}`, size)));
    }
    expect(findings).toEqual([]);
  }, 180_000);
});

// em-steps (issue 12, point 2): the step-by-step EM page before and after a submission whose
// M-step parts are marked carried forward.
test.each(["phone", "desktop"] as const)("axe on em-steps with carried-forward feedback at %s size", async (size) => {
  const instructor = await token("instructor@example.edu");
  const created = await api("POST", `/api/v1/courses/${courseId}/assignments`, instructor, { title: `EM steps ${size}`, kind: "homework", items: [{ exercise: "em-steps", carryForward: 0.5 }] });
  const itemId = (await live.server.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: created.body.id as number } })).id;
  const student = await newPage(size, "student3@example.edu");
  await student.goto(`${live.server.url}/assignments/${created.body.id as number}/items/${itemId}`);
  const findings = await check(student, "exercise em-steps", size);
  // Responsibilities without the weights would be a mistake; any readable rows summing to one carry forward.
  const x = (await student.evaluate(async (u) => (await fetch(u!)).json(), await student.getAttribute("a:has-text('Download data (JSON)')", "href"))) as { data: { x: number[][] } };
  const n = x.data.x.length;
  await student.fill("#part-responsibilities", Array.from({ length: n }, () => "0.5, 0.5").join("\n"));
  const mean = x.data.x.reduce((s, p) => s + p[0]!, 0) / n;
  const variance = x.data.x.reduce((s, p) => s + (p[0]! - mean) ** 2, 0) / n;
  await student.fill("#part-weights", "0.5, 0.5");
  await student.fill("#part-means", `${mean}\n${mean}`);
  await student.fill("#part-variances", `${variance}, ${variance}`);
  await Promise.all([student.waitForURL(/result=/), student.click("button:has-text('Submit answer')")]);
  expect(await student.locator(".badge.carried").count()).toBe(3);
  findings.push(...(await check(student, "exercise em-steps with carried-forward feedback", size)));
  expect(findings).toEqual([]);
}, 120_000);

test("axe on the live quiz: presenter (projector and desktop) and a student's phone, through its states", async () => {
  const findings: Finding[] = [];
  const presenter = await newPage("projector", "instructor@example.edu");
  await presenter.goto(`${live.server.url}/quizzes/${quizId}/present`);
  await presenter.waitForSelector("#present .conn-live");
  findings.push(...(await check(presenter, "presenter, not started", "projector")));
  await presenter.keyboard.press("s");
  await presenter.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  findings.push(...(await check(presenter, "presenter, waiting for students", "projector")));
  const code = (await presenter.textContent("#join-code"))!.trim();
  const phone = await newPage("phone", "student3@example.edu");
  await phone.goto(`${live.server.url}/quiz?code=${code}`);
  findings.push(...(await check(phone, "quiz join", "phone")));
  await Promise.all([phone.waitForURL(/\/quiz\/\d+$/), phone.click("button:has-text('Join')")]);
  await phone.waitForSelector("#status:has-text('You have joined')");
  findings.push(...(await check(phone, "quiz phone, joined", "phone")));
  for (const index of [0, 1]) {
    await presenter.waitForSelector("#btn-next:not([disabled])");
    // Moving on from an unrevealed question asks first (a skipped reveal is closed for good).
    if (index === 1) presenter.once("dialog", (d) => void d.accept());
    await presenter.keyboard.press("n");
    await presenter.waitForSelector("#stage-question:not([hidden]) .question");
    await phone.waitForSelector(`#question:not([hidden]) ${index === 0 ? "#part-mean" : "#part-weights"}`);
    findings.push(...(await check(presenter, `presenter, question ${index + 1}`, "projector")));
    findings.push(...(await check(phone, `quiz phone, question ${index + 1}`, "phone")));
    await presenter.setViewportSize(DESKTOP);
    findings.push(...(await check(presenter, `presenter, question ${index + 1}`, "desktop")));
    await presenter.setViewportSize(PROJECTOR);
  }
  await presenter.waitForSelector("#btn-reveal:not([disabled])");
  await presenter.keyboard.press("r");
  await presenter.waitForSelector("#stage-reveal:not([hidden])");
  findings.push(...(await check(presenter, "presenter, reveal", "projector")));
  await phone.waitForTimeout(500);
  findings.push(...(await check(phone, "quiz phone, revealed", "phone")));
  expect(findings).toEqual([]);
}, 120_000);

test("the audit covered every state listed above", () => {
  // 2 sizes x (2 signed-out + 2 + 7 exercises + 3 student states + 13 instructor + 1 + 13 previews) + 11 quiz states.
  expect(visited.length).toBeGreaterThanOrEqual(2 * (2 + 2 + 7 + 3 + 13 + 1 + listExercises().length) + 11);
});

test("keyboard only: the exercise form from the skip link to the graded result", async () => {
  const page = await newPage("desktop", "student3@example.edu");
  await page.goto(`${live.server.url}/assignments/${week1.id}/items/${week1.items[2]!.id}`);
  const focused = () => page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.textContent && el.tagName === "A" ? `:${el.textContent.trim()}` : ""}` : "";
  });
  await page.keyboard.press("Tab");
  expect(await focused()).toBe("a:Skip to content");
  await page.keyboard.press("Enter");
  // From the main content, Tab walks to the inputs (past the links and any scrolling boxes) in order.
  const order: string[] = [];
  for (let i = 0; i < 40 && !order.includes("button"); i++) {
    await page.keyboard.press("Tab");
    const f = await focused();
    if (f === "input#part-mean") await page.keyboard.type("1");
    if (f === "input#part-variance") await page.keyboard.type("2");
    order.push(f.startsWith("button") ? "button" : f);
  }
  expect(order.filter((f) => f.startsWith("input#part-") || f === "button")).toEqual(["input#part-mean", "input#part-variance", "button"]);
  // Every stop shows a focus ring.
  await Promise.all([page.waitForURL(/result=/), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
  expect(await focused()).toBe("div#result");
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(ring).not.toBe("none");
  // Enter in a field submits too, and an unreadable answer puts the focus on that field.
  await page.fill("#part-variance", "two");
  await page.focus("#part-variance");
  await Promise.all([page.waitForLoadState("load"), page.keyboard.press("Enter")]);
  await page.waitForSelector(".field-error");
  expect(await focused()).toBe("input#part-variance");
}, 60_000);

test("keyboard only: the presenter view runs a quiz with Tab and Enter, and with its shortcut keys", async () => {
  const instructor = await token("instructor@example.edu");
  const quiz = await api("POST", `/api/v1/courses/${courseId}/quizzes`, instructor, { title: "Keys", items: [{ exercise: "bernoulli-mle" }] });
  const page = await newPage("projector", "instructor@example.edu");
  await page.goto(`${live.server.url}/quizzes/${quiz.body.id as number}/present`);
  await page.waitForSelector("#present .conn-live");
  // Tab reaches the Start button; Enter presses it.
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.id === "btn-start");
  }
  expect(reached).toBe(true);
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(ring).not.toBe("none");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  // The shortcut keys: N shows the question, R reveals.
  await page.waitForSelector("#btn-next:not([disabled])");
  await page.keyboard.press("n");
  await page.waitForSelector("#stage-question:not([hidden]) .question");
  await page.waitForSelector("#btn-reveal:not([disabled])");
  await page.keyboard.press("r");
  await page.waitForSelector("#stage-reveal:not([hidden])");
}, 60_000);

describe.each(["phone", "desktop"] as const)("axe at %s size: an item asking for σ (issue 12, point 5)", (size) => {
  test("the σ item with its note, then σ² submitted and diagnosed; the builder with the select set", async () => {
    const findings: Finding[] = [];
    const instructor = await token("instructor@example.edu");
    const created = await api("POST", `/api/v1/courses/${courseId}/assignments`, instructor, { title: `σ (${size})`, kind: "homework", items: [{ exercise: "gaussian-mle", parametrisation: { variance: "sd" } }] });
    const itemId = (await live.server.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: created.body.id as number } })).id;
    const student = await newPage(size, "student3@example.edu");
    await student.goto(`${live.server.url}/assignments/${created.body.id as number}/items/${itemId}`);
    expect(await student.textContent(".parametrisation-note")).toContain("standard deviation σ");
    findings.push(...(await check(student, "σ item", size)));
    await student.fill("#part-mean", "1");
    await student.fill("#part-variance", "2");
    await Promise.all([student.waitForURL(/result=/), student.click("button:has-text('Submit answer')")]);
    findings.push(...(await check(student, "σ item graded", size)));
    const teacher = await newPage(size, "instructor@example.edu");
    await teacher.goto(`${live.server.url}/courses/${courseId}/assignments/new`);
    await teacher.selectOption("#item0_exercise", "gaussian-mle");
    await teacher.selectOption("#item0_parametrisation", "variance=sd");
    findings.push(...(await check(teacher, "builder with σ chosen", size)));
    await teacher.goto(`${live.server.url}/assignments/${created.body.id as number}`);
    findings.push(...(await check(teacher, "instructor view of a σ item", size)));
    expect(findings).toEqual([]);
  }, 120_000);
});
