/**
 * Every page the live-quiz findings (issue 13) changed, at phone (390x844), desktop (1280x800)
 * and projector (1920x1080) sizes: no page scrolls sideways, and each is photographed (to the
 * run's scratch folder, or LIKELY_QUIZ_SCREENS) to be looked at.
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { selectOptionalQuiz, selectOptionalQuizVariant } from "../../src/db/quizzes";
import { toVariantRecord } from "../../src/quiz/variants";
import { PHONE, PROJECTOR, withServerAndBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/live-server";
import { TMP_DIR } from "../support/paths";

const SCREENS = process.env.LIKELY_QUIZ_SCREENS ?? TMP_DIR;
const SIZES = { phone: PHONE, desktop: { width: 1280, height: 800 }, projector: PROJECTOR } as const;
const ctx = withServerAndBrowser();

async function api(method: string, url: string, token: string | null, body?: unknown) {
  const res = await fetch(ctx.server.url + url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signedIn(email: string, phone: boolean): Promise<Page> {
  const context = await ctx.browser.newContext({ viewport: phone ? PHONE : SIZES.desktop, isMobile: phone, hasTouch: phone });
  const page = await context.newPage();
  page.on("pageerror", (err) => {
    throw err;
  });
  await page.goto(`${ctx.server.url}/signin`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/signin"), page.click("button[type=submit]")]);
  return page;
}

const overflowing: string[] = [];

/** Photographs the page at the three sizes and notes any that scrolls sideways. */
async function shoot(page: Page, name: string, sizes: (keyof typeof SIZES)[] = ["phone", "desktop", "projector"]): Promise<void> {
  for (const size of sizes) {
    await page.setViewportSize(SIZES[size]);
    await page.waitForTimeout(150);
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const over = document.documentElement.scrollWidth - width;
      // Name the outermost elements that stick out, to say what to fix.
      const culprits = Array.from(document.querySelectorAll("body *"))
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1))
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${Array.from(el.classList).join(".")}`);
      return { over, culprits };
    });
    if (wide.over > 1) overflowing.push(`${name} at ${size}: ${wide.over}px too wide (${wide.culprits.join(", ")})`);
    await page.screenshot({ path: path.join(SCREENS, `screen-${name}-${size}.png`), fullPage: size !== "projector" });
  }
}

test("the changed quiz pages fit phone, desktop and projector", async () => {
  fs.mkdirSync(SCREENS, { recursive: true });
  const token = (await api("POST", "/api/v1/tokens", null, { email: "instructor@example.edu", password: TEST_PASSWORD })).body.token as string;
  const students = await Promise.all(
    ["student1", "student2"].map(async (s) => (await api("POST", "/api/v1/tokens", null, { email: `${s}@example.edu`, password: TEST_PASSWORD })).body.token as string),
  );
  const courses = (await (await fetch(`${ctx.server.url}/api/v1/courses`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: number }[];
  const courseId = courses[0]!.id;
  const created = await api("POST", `/api/v1/courses/${courseId}/quizzes`, token, {
    title: "Week 3: Gaussian MLE",
    items: [{ exercise: "gaussian-mle" }, { exercise: "gmm-known-labels" }, { exercise: "bernoulli-mle" }],
    secondsPerQuestion: 120,
  });
  const quizId = created.body.id as number;

  const presenter = await signedIn("instructor@example.edu", false);
  await presenter.goto(`${ctx.server.url}/quizzes/${quizId}/present`);
  await presenter.waitForSelector("#present .conn-live");
  await presenter.keyboard.press("s");
  await presenter.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  await shoot(presenter, "presenter-waiting");
  const code = (await presenter.textContent("#join-code"))!.trim();
  for (const s of students) expect((await api("POST", "/api/v1/quiz-join", s, { code })).status).toBe(200);
  const phone = await signedIn("student1@example.edu", true);
  await phone.goto(`${ctx.server.url}/quiz/${quizId}`);
  await phone.waitForSelector("#status:has-text('You have joined')");

  // Question 1 (two parts), answered by both; question 2 (three vector parts) revealed too.
  const quiz = (await selectOptionalQuiz(ctx.server.db, quizId))!;
  for (const index of [0, 1]) {
    await presenter.evaluate(() => document.getElementById("btn-reveal")!.blur());
    await api("POST", `/api/v1/quizzes/${quizId}/next`, token);
    await presenter.waitForSelector(`#progress:text-is('Question ${index + 1} of 3')`);
    await presenter.waitForSelector("#stage-question:not([hidden]) .question");
    const v = toVariantRecord((await selectOptionalQuizVariant(ctx.server.db, quiz.items[index]!.id, null))!);
    // Right on the first part, half as large again on the others.
    const scaled = (x: unknown): unknown => (Array.isArray(x) ? x.map(scaled) : (x as number) * 1.5);
    const wrong = Object.fromEntries(Object.entries(v.key).map(([k, value], i) => [k, i === 0 ? value : scaled(value)]));
    expect((await api("POST", `/api/v1/quizzes/${quizId}/answers`, students[1]!, { index, answers: wrong })).status).toBe(201);
    if (index === 0) {
      await phone.waitForSelector("#question:not([hidden]) #part-mean");
      await phone.fill("#part-mean", String(v.key.mean));
      await phone.fill("#part-variance", String(v.key.variance));
      await phone.click("#send");
      await phone.waitForSelector("#status:has-text('Received')");
      await shoot(phone, "phone-received");
      await shoot(presenter, "presenter-question");
    } else {
      expect((await api("POST", `/api/v1/quizzes/${quizId}/answers`, students[0]!, { index, answers: v.key })).status).toBe(201);
    }
    await api("POST", `/api/v1/quizzes/${quizId}/reveal`, token);
    await presenter.waitForSelector("#stage-reveal:not([hidden]) .reveal-part svg");
    await shoot(presenter, `presenter-reveal-q${index + 1}`);
    if (index === 0) {
      await phone.waitForSelector(".verdict");
      await shoot(phone, "phone-revealed");
    }
  }

  // Ended after 2 of 3 questions: the summary, the results page, the course's quiz list.
  await api("POST", `/api/v1/quizzes/${quizId}/end`, token);
  await presenter.waitForSelector("#stage-ended:not([hidden]) #ended-summary td");
  await shoot(presenter, "presenter-ended");
  await phone.waitForSelector("#summary:not([hidden])");
  await shoot(phone, "phone-ended");
  await presenter.goto(`${ctx.server.url}/quizzes/${quizId}/results`);
  await shoot(presenter, "results");
  await presenter.goto(`${ctx.server.url}/courses/${courseId}/quizzes`);
  await shoot(presenter, "quiz-list");

  // The reworked exercise: catalogue preview (instructor) and a student's homework page.
  await presenter.goto(`${ctx.server.url}/catalogue/mle-sample-size`);
  await shoot(presenter, "catalogue-mle-sample-size");
  const assignment = await api("POST", `/api/v1/courses/${courseId}/assignments`, token, { title: "Try it yourself", kind: "homework", items: [{ exercise: "mle-sample-size" }] });
  const view = await api("GET", `/api/v1/assignments/${assignment.body.id}`, students[0]!);
  const itemId = (view.body.items as { itemId: number }[])[0]!.itemId;
  await phone.goto(`${ctx.server.url}/assignments/${assignment.body.id}/items/${itemId}`);
  await shoot(phone, "homework-mle-sample-size");

  expect(overflowing).toEqual([]);
}, 120_000);
