/**
 * Likely inside an LMS iframe, in Chromium: a page on http://127.0.0.1 (the fake LMS) frames the
 * tool on http://localhost, so the browser's cross-site cookie rules really apply. The launch must
 * end signed in on the student's assignment, and a submission inside the frame must work.
 */
import { launchBrowser } from "../support/browser";
import { FakeLms } from "../../bench/lib/fake-lms";
import { startLiveServer } from "../support/live-server";
import { addPlatformArgs, deepLinkAssignments, learner, runLtiCli } from "../support/lti-setup";
import type { Browser } from "playwright-core";

jest.setTimeout(90_000);

let server: Awaited<ReturnType<typeof startLiveServer>>;
let fake: FakeLms;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startLiveServer(), launchBrowser()]);
  fake = await new FakeLms().start();
  fake.useTool(server.url);
  expect((await runLtiCli(server.databaseUrl, addPlatformArgs(fake))).code).toBe(0);
  await deepLinkAssignments(fake, server.url, 1);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

test("a framed launch ends signed in on the assignment, and a submission inside the frame is graded", async () => {
  expect(new URL(server.url).hostname).toBe("localhost");
  expect(new URL(fake.origin).hostname).toBe("127.0.0.1");
  const item = fake.deepLinkReturns[0]!.items[0]!;
  const assignmentId = (item.custom as Record<string, string>).likely_assignment_id;
  fake.launches.set("frame-hint", fake.resourceLaunch(learner(9), fake.lineItems[0]!, item));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${fake.origin}/course/frame?src=${encodeURIComponent(fake.loginUrl(server.url, "frame-hint"))}`);
  const frame = page.frameLocator("#tool");
  await frame.locator(".item-link").first().waitFor({ timeout: 20_000 });
  const inner = page.frames().find((f) => f.url().startsWith(server.url))!;
  expect(new URL(inner.url()).pathname).toBe(`/assignments/${assignmentId}`);
  await frame.locator(".item-link").first().click();
  await frame.locator("form input[name=idempotencyKey]").waitFor({ state: "attached" });

  // Answer with the key (the test reads it from the database) so the submission is graded correct.
  const itemId = Number(new URL(page.frames().find((f) => f.url().startsWith(server.url))!.url()).pathname.split("/").at(-1));
  const user = await server.db.user.findFirstOrThrow({ where: { ltiUser: { sub: learner(9).sub } } });
  const variant = await server.db.variant.findUniqueOrThrow({ where: { itemId_userId: { itemId, userId: user.id } } });
  const key = JSON.parse(variant.key) as Record<string, unknown>;
  for (const [part, value] of Object.entries(key)) {
    await frame.locator(`[name="part_${part}"]`).fill(Array.isArray(value) ? JSON.stringify(value) : String(value));
  }
  await frame.locator("form button[type=submit]").last().click();
  await frame.locator("#result").waitFor({ timeout: 20_000 });
  const stored = await server.db.submission.findMany({ where: { userId: user.id } });
  expect(stored).toHaveLength(1);
  expect(stored[0]!.score).toBe(1);
  await page.screenshot({ path: `${process.env.LTI_SHOTS ?? "/tmp"}/lti-frame.png` });
  await context.close();
});
