/**
 * On a phone: a double tap on submit stores one submission (with and without JavaScript), and a
 * submission whose response is lost (the network drops after the request left) is not stored
 * twice when the student goes back and submits again.
 */
import type { BrowserContext, Page } from "playwright-core";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";

const live = withServerAndBrowser({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
let itemUrl: string;
let assignmentId: number;

beforeAll(async () => {
  const a = await live.server.db.assignment.findFirstOrThrow({ where: { title: { startsWith: "Week 1" } }, include: { items: { orderBy: { position: "asc" } } } });
  assignmentId = a.id;
  const item = a.items.find((i) => i.exercise === "gaussian-mle")!;
  itemUrl = `${live.server.url}/assignments/${a.id}/items/${item.id}`;
});

async function phone(email: string, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await live.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page, live.server.url, email);
  return { context, page };
}

async function submissionsOf(email: string): Promise<number> {
  return live.server.db.submission.count({ where: { user: { email }, variant: { item: { assignmentId } } } });
}

test("a double tap stores one submission", async () => {
  const { context, page } = await phone("student1@example.edu");
  await page.goto(itemUrl);
  await page.fill("#part-mean", "1");
  await page.fill("#part-variance", "2");
  const submit = page.locator("button:has-text('Submit answer')");
  await submit.scrollIntoViewIfNeeded();
  const box = (await submit.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  // Two taps dispatched back to back, before the first response can arrive.
  await page.touchscreen.tap(x, y);
  await page.touchscreen.tap(x, y).catch(() => undefined);
  await page.waitForSelector("#result");
  await page.waitForTimeout(300); // a second request, had one been sent, would have landed by now
  expect(await submissionsOf("student1@example.edu")).toBe(1);
  await context.close();
}, 30_000);

test("without JavaScript, two quick posts of the same form still store one submission", async () => {
  const { context, page } = await phone("student2@example.edu", false);
  await page.goto(itemUrl);
  await page.fill("#part-mean", "1");
  await page.fill("#part-variance", "2");
  const button = page.locator("button:has-text('Submit answer')");
  await button.dblclick();
  await page.waitForSelector("#result");
  expect(await submissionsOf("student2@example.edu")).toBe(1);
  await context.close();
}, 30_000);

test("a lost response, then a second tap: stored once", async () => {
  const { context, page } = await phone("student3@example.edu");
  await page.goto(itemUrl);
  await page.fill("#part-mean", "1");
  await page.fill("#part-variance", "2");
  // The request reaches the server and is stored, but the phone loses the network before the answer arrives.
  let lost = 0;
  await page.route("**/items/*", async (route) => {
    if (route.request().method() !== "POST" || lost > 0) return route.fallback();
    lost++;
    await route.fetch({ maxRedirects: 0 });
    await route.abort("internetdisconnected");
  });
  await page.click("button:has-text('Submit answer')");
  await page.waitForSelector(".submit-notice");
  expect(await page.textContent(".submit-notice")).toContain("No connection");
  expect(await submissionsOf("student3@example.edu")).toBe(1);

  // Back online, the student taps Submit again: the same idempotency key returns the stored attempt.
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Submit answer')")]);
  await page.waitForSelector("#result");
  expect(await page.textContent("#result")).toContain("Attempt 1 graded");
  expect(await submissionsOf("student3@example.edu")).toBe(1);
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await context.close();
}, 30_000);
