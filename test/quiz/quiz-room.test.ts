/**
 * What people found running live quizzes (issue 13), where they met it: a projector at
 * 1920x1080 and phones, in Chromium. Findings 15 (every part revealed), 16 (Reveal is the main
 * action; skipping it asks first), 17 (projector text size) and 18 (phones: "Received" in sight,
 * typed answers at time-up).
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { variantMistakes } from "../../exercises";
import { selectOptionalQuiz, selectOptionalQuizVariant, selectOptionalQuizResponse } from "../../src/db/quizzes";
import { toVariantRecord } from "../../src/quiz/variants";
import { PHONE, PROJECTOR, withServerAndBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/live-server";
import { TMP_DIR } from "../support/paths";

const SCREENS = process.env.LIKELY_QUIZ_SCREENS ?? TMP_DIR;
const ctx = withServerAndBrowser();

async function api(method: string, url: string, token: string | null, body?: unknown) {
  const res = await fetch(ctx.server.url + url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function newPage(viewport: { width: number; height: number }, phone: boolean): Promise<Page> {
  const context = await ctx.browser.newContext({ viewport, isMobile: phone, hasTouch: phone });
  const page = await context.newPage();
  page.on("pageerror", (err) => {
    throw err;
  });
  return page;
}

async function signIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`${ctx.server.url}/signin?next=${encodeURIComponent(next)}`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/signin"), page.click("button[type=submit]")]);
}

async function createQuiz(title: string, items: unknown[], secondsPerQuestion: number) {
  const token = (await api("POST", "/api/v1/tokens", null, { email: "instructor@example.edu", password: TEST_PASSWORD })).body.token as string;
  const courses = (await (await fetch(`${ctx.server.url}/api/v1/courses`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: number }[];
  const created = await api("POST", `/api/v1/courses/${courses[0]!.id}/quizzes`, token, { title, items, secondsPerQuestion, sharedData: true });
  expect(created.status).toBe(201);
  return { id: created.body.id as number, token };
}

async function joinPhones(presenter: Page, emails: string[]): Promise<Page[]> {
  const joinHref = (await presenter.getAttribute("#join-link", "href"))!;
  const joinPath = new URL(joinHref).pathname + new URL(joinHref).search;
  return Promise.all(
    emails.map(async (email) => {
      const phone = await newPage(PHONE, true);
      await signIn(phone, email, joinPath);
      await Promise.all([phone.waitForURL(/\/quiz\/\d+$/), phone.click("button:has-text('Join')")]);
      await phone.waitForSelector("#status:has-text('You have joined')");
      return phone;
    }),
  );
}

/**
 * The smallest rendered font sizes (px) of the visible text on the page: HTML text by its computed
 * font size; SVG text by its font size times the SVG's scale on screen, together with math
 * scripts (sub- and superscripts, fractions).
 */
function smallestText(page: Page): Promise<{ html: { px: number; text: string }; svg: { px: number; text: string } }> {
  return page.evaluate(() => {
    const html = { px: Infinity, text: "" };
    const svg = { px: Infinity, text: "" };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // KaTeX pads with zero-width spaces in 1 px spans: nothing to read there.
      const text = (node.textContent ?? "").replace(/[\u200b\u200c\u200d\ufeff]/g, "").trim();
      const el = node.parentElement;
      if (!text || !el || el.closest("title, style, script, [hidden], .katex-mathml")) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
      // Only what is on the screen (a scrolled-away table row is read once scrolled to).
      if (rect.bottom < 0 || rect.top > innerHeight || rect.right < 0 || rect.left > innerWidth) continue;
      const owner = el.closest("svg");
      if (el.closest(".katex .msupsub, .katex .mfrac, .katex .op-limits")) {
        // Sub- and superscripts, fractions and sum limits are smaller by design: counted with chart labels.
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < svg.px) Object.assign(svg, { px, text: `math script ${text}` });
      } else if (owner) {
        const box = owner.viewBox.baseVal;
        const scale = box && box.width ? owner.getBoundingClientRect().width / box.width : 1;
        const px = parseFloat(getComputedStyle(el).fontSize) * scale;
        if (px < svg.px) Object.assign(svg, { px, text });
      } else {
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < html.px) Object.assign(html, { px, text });
      }
    }
    return { html, svg };
  });
}

/** Text at least 24 px, chart labels at least 20 px (names the smallest piece when not). */
function expectReadable(sizes: { html: { px: number; text: string }; svg: { px: number; text: string } }): void {
  expect(sizes.html.px >= 24 ? "readable" : sizes.html).toBe("readable");
  expect(sizes.svg.px >= 20 ? "readable" : sizes.svg).toBe("readable");
}

test("projector and phones: Reveal leads, every part is revealed, text reads from the back, phones keep the student informed", async () => {
  const { id: quizId } = await createQuiz("Findings", [{ exercise: "gaussian-mle", params: { n: 12 } }, { exercise: "bernoulli-mle" }], 120);
  const presenter = await newPage(PROJECTOR, false);
  await signIn(presenter, "instructor@example.edu", `/quizzes/${quizId}/present`);
  await presenter.waitForSelector("#present .conn-live");
  await presenter.keyboard.press("s");
  await presenter.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  const [right, wrong] = (await joinPhones(presenter, ["student1@example.edu", "student2@example.edu"])) as [Page, Page];

  await presenter.keyboard.press("n");
  await presenter.waitForSelector("#stage-question:not([hidden]) .question");

  // Finding 16: while students answer, Reveal is the main, focused action; N asks before skipping it.
  await presenter.waitForFunction(() => document.activeElement?.id === "btn-reveal");
  expect(await presenter.getAttribute("#btn-reveal", "class")).toMatch(/\bprimary\b/);
  expect(await presenter.getAttribute("#btn-next", "class")).not.toMatch(/\bprimary\b/);
  let asked = "";
  presenter.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await presenter.keyboard.press("n");
  await presenter.waitForTimeout(500);
  expect(asked).toMatch(/skip/i);
  expect(await presenter.textContent("#progress")).toBe("Question 1 of 2");
  expect(await presenter.getAttribute("#present", "data-state")).toBe("asking");

  // Finding 17: the question on the projector reads from the back of a hall.
  const asking = await smallestText(presenter);
  await presenter.screenshot({ path: path.join(SCREENS, "room-presenter-question-1920.png") });
  expectReadable(asking);

  const quiz = (await selectOptionalQuiz(ctx.server.db, quizId))!;
  const v = toVariantRecord((await selectOptionalQuizVariant(ctx.server.db, quiz.items[0]!.id, null))!);
  const mistake = variantMistakes(v).find((m) => m.answers.variance !== undefined && m.answers.mean === undefined)!;

  // Finding 18: after scrolling down to Send, "Received" is in sight.
  await right.fill("#part-mean", String(v.key.mean));
  await right.fill("#part-variance", String(v.key.variance));
  await right.locator("#send").scrollIntoViewIfNeeded();
  await right.click("#send");
  await right.waitForSelector("#status:has-text('Received')");
  const inView = await right.evaluate(() => {
    const r = document.getElementById("status")!.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight;
  });
  await right.screenshot({ path: path.join(SCREENS, "room-phone-received-390.png") });
  expect(inView).toBe(true);

  await wrong.fill("#part-mean", String(v.key.mean));
  await wrong.fill("#part-variance", String(mistake.answers.variance));
  await wrong.click("#send");
  await wrong.waitForSelector("#status:has-text('Received')");
  await presenter.waitForSelector("#responses:text-is('2')");

  // Finding 15: the reveal shows every part with its correct value and mistake groups.
  await presenter.keyboard.press("r");
  await presenter.waitForSelector("#stage-reveal:not([hidden]) .reveal-part svg.likely-histogram");
  const panels = presenter.locator(".reveal-part");
  expect(await panels.count()).toBe(2);
  expect(await panels.nth(0).locator(".reveal-part-title").textContent()).toMatch(/mean/i);
  expect(await panels.nth(1).locator(".reveal-part-title").textContent()).toMatch(/variance/i);
  for (let i = 0; i < 2; i++) {
    expect(await panels.nth(i).locator(".reveal-part-correct strong").textContent()).toMatch(/\d/);
    const bars = await panels.nth(i).locator("rect.bar").evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.getAttribute("data-count")), 0));
    expect(bars).toBe(2);
  }
  const meanGroups = (await panels.nth(0).locator(".groups li").allTextContents()).map((g) => g.replace(/\s+/g, " ").trim());
  const varianceGroups = (await panels.nth(1).locator(".groups li").allTextContents()).map((g) => g.replace(/\s+/g, " ").trim());
  expect(meanGroups).toEqual(["2 Correct"]);
  expect(varianceGroups).toEqual(["1 Correct", `1 ${mistake.message}`]);
  expect(await presenter.textContent("#share-correct")).toBe("50%");
  await presenter.screenshot({ path: path.join(SCREENS, "room-presenter-reveal-1920.png") });
  const revealed = await smallestText(presenter);
  expectReadable(revealed);
  const histogramWidth = await panels.nth(0).locator("svg.likely-histogram").evaluate((s) => s.getBoundingClientRect().width);
  expect(histogramWidth).toBeGreaterThanOrEqual(600);
  await presenter.setViewportSize({ width: 1280, height: 720 });
  await presenter.screenshot({ path: path.join(SCREENS, "room-presenter-reveal-1280.png") });
  await presenter.setViewportSize(PROJECTOR);

  // After the reveal, Next is the main action again and goes on without asking.
  await presenter.waitForFunction(() => /\bprimary\b/.test(document.getElementById("btn-next")!.className));
  presenter.once("dialog", () => {
    throw new Error("no confirmation expected after the reveal");
  });
  await presenter.keyboard.press("n");
  await presenter.waitForFunction(() => document.getElementById("progress")!.textContent === "Question 2 of 2");
  await presenter.close();
  for (const p of [right, wrong]) await p.context().close();
}, 90_000);

test("phones at time-up: a typed, unsent answer is sent in time; an incomplete one is said to be unsent", async () => {
  const { id: quizId } = await createQuiz("Time-up", [{ exercise: "gaussian-mle", params: { n: 5 } }], 8);
  const presenter = await newPage({ width: 1280, height: 800 }, false);
  await signIn(presenter, "instructor@example.edu", `/quizzes/${quizId}/present`);
  await presenter.waitForSelector("#present .conn-live");
  await presenter.keyboard.press("s");
  await presenter.waitForFunction(() => /^[A-Z0-9]{6}$/.test(document.getElementById("join-code")!.textContent!.trim()));
  const [typed, partial] = (await joinPhones(presenter, ["student1@example.edu", "student3@example.edu"])) as [Page, Page];
  await presenter.keyboard.press("n");
  await Promise.all([typed, partial].map((p) => p.waitForSelector("#question:not([hidden]) #part-mean")));

  const quiz = (await selectOptionalQuiz(ctx.server.db, quizId))!;
  const item = quiz.items[0]!;
  const v = toVariantRecord((await selectOptionalQuizVariant(ctx.server.db, item.id, null))!);
  await typed.fill("#part-mean", String(v.key.mean));
  await typed.fill("#part-variance", String(v.key.variance));
  await partial.fill("#part-mean", String(v.key.mean));

  await Promise.all([typed, partial].map((p) => p.waitForSelector("#countdown:text-is('0:00')", { timeout: 15_000 })));
  await typed.waitForSelector("#status:has-text('Received')", { timeout: 5000 });
  await partial.waitForSelector("#status:has-text('not sent')", { timeout: 5000 });
  expect(await partial.inputValue("#part-mean")).toBe(String(v.key.mean));
  await partial.screenshot({ path: path.join(SCREENS, "room-phone-timeup-unsent-390.png") });
  await typed.screenshot({ path: path.join(SCREENS, "room-phone-timeup-sent-390.png") });

  const users = await ctx.server.db.user.findMany({ where: { email: { in: ["student1@example.edu", "student3@example.edu"] } } });
  const byEmail = new Map(users.map((u) => [u.email, u.id]));
  const sent = await selectOptionalQuizResponse(ctx.server.db, item.id, byEmail.get("student1@example.edu")!);
  expect(sent?.score).toBe(1);
  expect(await selectOptionalQuizResponse(ctx.server.db, item.id, byEmail.get("student3@example.edu")!)).toBeNull();
  fs.mkdirSync(SCREENS, { recursive: true });
}, 60_000);
