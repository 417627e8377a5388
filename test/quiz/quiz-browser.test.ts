import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { variantMistakes } from "../../exercises";
import { selectOptionalQuiz, selectOptionalQuizVariant } from "../../src/db/quizzes";
import { toVariantRecord } from "../../src/quiz/variants";
import { launchBrowser, PHONE, PROJECTOR } from "../support/browser";
import { startLiveServer, TEST_PASSWORD } from "../support/live-server";
import { TMP_DIR } from "../support/paths";

/** Screenshots go to the run's scratch folder, or to LIKELY_QUIZ_SCREENS when set (to look at them). */
const SCREENS = process.env.LIKELY_QUIZ_SCREENS ?? TMP_DIR;

let server: Awaited<ReturnType<typeof startLiveServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENS, { recursive: true });
  [server, browser] = await Promise.all([startLiveServer(), launchBrowser()]);
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function api(method: string, url: string, token: string | null, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function newPage(viewport: { width: number; height: number }, phone: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => {
    throw err;
  });
  return page;
}

async function signIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`${server.url}/signin?next=${encodeURIComponent(next)}`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/signin"), page.click("button[type=submit]")]);
}

test("presenter and two phones: join by code, answer, reveal with histogram and diagnosed mistake", async () => {
  const token = (await api("POST", "/api/v1/tokens", null, { email: "instructor@example.edu", password: TEST_PASSWORD })).body.token as string;
  const courses = (await (await fetch(`${server.url}/api/v1/courses`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: number }[];
  const created = await api("POST", `/api/v1/courses/${courses[0]!.id}/quizzes`, token, {
    title: "Week 3 warm-up",
    items: [{ exercise: "gaussian-mle" }, { exercise: "bernoulli-mle" }],
    secondsPerQuestion: 90,
  });
  expect(created.status).toBe(201);
  const quizId = created.body.id as number;

  // The projector: start with the keyboard; the join code and QR code appear.
  const presenter = await newPage(PROJECTOR, false);
  await signIn(presenter, "instructor@example.edu", `/quizzes/${quizId}/present`);
  await presenter.waitForSelector("#present .conn-live");
  await presenter.keyboard.press("s");
  await presenter.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  const joinHref = (await presenter.getAttribute("#join-link", "href"))!;
  expect(joinHref).toMatch(/\/quiz\?code=[A-Z0-9]{6}$/);
  expect(await presenter.locator("#qr svg.qr-code").count()).toBe(1);
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-waiting-1920.png") });
  await presenter.setViewportSize({ width: 1280, height: 720 });
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-waiting-1280.png") });
  await presenter.setViewportSize(PROJECTOR);

  // Two phones follow the QR link, sign in, and join.
  const phones = await Promise.all([newPage(PHONE, true), newPage(PHONE, true)]);
  await Promise.all(
    phones.map(async (phone, i) => {
      const joinPath = new URL(joinHref).pathname + new URL(joinHref).search;
      await signIn(phone, `student${i + 1}@example.edu`, joinPath);
      expect(await phone.inputValue("#join-code")).toMatch(/^[A-Z0-9]{6}$/);
      if (i === 0) await phone.screenshot({ path: path.join(SCREENS, "quiz-phone-join-390.png") });
      await Promise.all([phone.waitForURL(/\/quiz\/\d+$/), phone.click("button:has-text('Join')")]);
      await phone.waitForSelector("#status:has-text('You have joined')");
    }),
  );
  await phones[0]!.screenshot({ path: path.join(SCREENS, "quiz-phone-joined-390.png") });
  await presenter.waitForSelector("#joined-big:text-is('2')");

  // First question: both phones see it; the countdown runs from the server's closesAt.
  await presenter.keyboard.press("n");
  await presenter.waitForSelector("#stage-question:not([hidden]) .question");
  await Promise.all(phones.map((p) => p.waitForSelector("#question:not([hidden]) #part-mean")));
  const countdown = (await phones[0]!.textContent("#countdown"))!;
  expect(countdown).toMatch(/^1:(2\d|30)$/);

  const quiz = (await selectOptionalQuiz(server.db, quizId))!;
  const v = toVariantRecord((await selectOptionalQuizVariant(server.db, quiz.items[0]!.id, null))!);
  const mistake = variantMistakes(v).find((m) => m.answers.variance !== undefined)!;

  // Student 1 answers right, through a dropped network; student 2 with a diagnosed mistake (after an unreadable first try).
  const [right, wrong] = phones as [Page, Page];
  await right.fill("#part-mean", String(v.key.mean));
  await right.fill("#part-variance", String(v.key.variance));
  await right.screenshot({ path: path.join(SCREENS, "quiz-phone-question-390.png") });
  await right.context().setOffline(true);
  await right.click("#send");
  await right.waitForSelector("#status:has-text('Not sent yet')");
  await right.context().setOffline(false);
  await right.waitForSelector("#status:has-text('Received')", { timeout: 10_000 });
  expect(await right.locator("#send").isHidden()).toBe(true);

  await wrong.fill("#part-mean", "1,5");
  await wrong.fill("#part-variance", String(mistake.answers.variance));
  await wrong.click("#send");
  await wrong.waitForSelector("[data-part='mean'] .field-error:has-text('dot')");
  await wrong.fill("#part-mean", String(v.key.mean));
  await wrong.click("#send");
  await wrong.waitForSelector("#status:has-text('Received')");
  await wrong.screenshot({ path: path.join(SCREENS, "quiz-phone-received-390.png"), fullPage: true });
  // Right or wrong is not shown before the reveal.
  expect(await wrong.locator(".part.correct, .part.wrong").count()).toBe(0);

  await presenter.waitForSelector("#responses:text-is('2')");
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-question-1920.png") });
  await presenter.setViewportSize({ width: 1280, height: 720 });
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-question-1280.png") });
  await presenter.setViewportSize(PROJECTOR);

  // A refresh resumes where the student was: the answer is shown, read-only, as received.
  await wrong.reload();
  await wrong.waitForSelector("#status:has-text('Received')");
  expect(await wrong.inputValue("#part-variance")).toBe(String(mistake.answers.variance));

  // Reveal: histogram with the correct value, counts per diagnosed mistake, share correct.
  await presenter.keyboard.press("r");
  await presenter.waitForSelector("#stage-reveal:not([hidden]) .reveal-part svg.likely-histogram");
  const variancePanel = presenter.locator('.reveal-part[data-part="variance"]');
  const bars = await variancePanel.locator("rect.bar").evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.getAttribute("data-count")), 0));
  expect(bars).toBe(2);
  expect(await presenter.textContent("#share-correct")).toBe("50%");
  const groups = await variancePanel.locator(".groups li").allTextContents();
  expect(groups.map((g) => g.replace(/\s+/g, " ").trim())).toEqual(["1 Correct", `1 ${mistake.message}`]);
  expect(await variancePanel.locator(".reveal-part-correct").textContent()).toMatch(/^Correct: \S+/);
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-reveal-1920.png") });
  await presenter.setViewportSize({ width: 1280, height: 720 });
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-reveal-1280.png") });

  // The phones show right and wrong, with the diagnosis.
  await right.waitForSelector(".verdict-ok:has-text('Right!')");
  expect(await right.locator(".part.correct").count()).toBe(2);
  await wrong.waitForSelector(".verdict-partly");
  expect(await wrong.textContent("[data-part='variance'] .feedback")).toContain(mistake.message);
  await wrong.screenshot({ path: path.join(SCREENS, "quiz-phone-revealed-390.png"), fullPage: true });

  // End (confirmed): the projector sums up, the phones show the points.
  presenter.once("dialog", (d) => void d.accept());
  await presenter.keyboard.press("e");
  await presenter.waitForSelector("#stage-ended:not([hidden]) #ended-summary td");
  expect((await presenter.locator("#ended-summary tbody tr").allInnerTexts()).map((r) => r.replace(/\s+/g, " ").trim())).toEqual([
    expect.stringMatching(/^1\. .* 2 50%$/),
  ]);
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-presenter-ended-1280.png") });
  // Ended after question 1 of 2: the quiz is worth the 1 question asked.
  await right.waitForSelector("#summary:not([hidden]) .summary-score:has-text('1 of 1')");
  await wrong.waitForSelector("#summary:not([hidden]) .summary-score:has-text('0.5 of 1')");
  await wrong.screenshot({ path: path.join(SCREENS, "quiz-phone-ended-390.png") });

  // The results page and the course's quiz list (instructor, laptop size).
  await presenter.setViewportSize({ width: 1366, height: 768 });
  await presenter.click("text=Open the results");
  await presenter.waitForSelector("table td:has-text('student2@example.edu')");
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-results-1366.png"), fullPage: true });
  await presenter.goto(`${server.url}/courses/${courses[0]!.id}/quizzes`);
  await presenter.screenshot({ path: path.join(SCREENS, "quiz-list-1366.png"), fullPage: true });
}, 45_000);
