/**
 * The LTI pages at phone, desktop and projector sizes: nothing overflows sideways (screenshots go
 * to $LTI_SHOTS when set, for a look): the assignment picker, the course's LMS sync page with a
 * failed delivery, the admin page, the refusal page and the "open in a new window" way out.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { FakeLms } from "../../bench/lib/fake-lms";
import { launchBrowser, PHONE, PROJECTOR } from "../support/browser";
import { startLiveServer } from "../support/live-server";
import { addPlatformArgs, deepLinkAssignments, runLtiCli, studentLaunch, submitThroughPage, TEACHER } from "../support/lti-setup";

jest.setTimeout(120_000);

let server: Awaited<ReturnType<typeof startLiveServer>>;
let fake: FakeLms;
let browser: Browser;
const SHOTS = process.env.LTI_SHOTS;
const SIZES = { phone: PHONE, desktop: { width: 1280, height: 800 }, projector: PROJECTOR };

beforeAll(async () => {
  [server, browser] = await Promise.all([startLiveServer(), launchBrowser()]);
  fake = await new FakeLms().start();
  fake.useTool(server.url);
  expect((await runLtiCli(server.databaseUrl, addPlatformArgs(fake))).code).toBe(0);
  await deepLinkAssignments(fake, server.url, 2);
  fake.scoreFailure = { status: 422, until: Number.POSITIVE_INFINITY, body: "Assignment is unpublished: scores cannot be posted" };
  const s = await studentLaunch(fake, server.url, 1);
  await submitThroughPage(s.b, server.url, server.db, s.assignmentId, false);
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

async function check(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect({ name, size, overflow: overflow > 1 ? overflow : 0 }).toEqual({ name, size, overflow: 0 });
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${size}.png`, fullPage: true });
  }
}

test("picker, LMS sync page, admin page, refusal and way-out pages fit every size", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  fake.launches.set("shots-teacher", { user: TEACHER, message: "LtiDeepLinkingRequest" });
  await page.goto(fake.loginUrl(server.url, "shots-teacher"));
  await page.waitForURL(/\/lti\/deep-link/);
  await page.locator("input[name=assignment]").nth(1).check();
  await check(page, "lti-picker");
  // The answer auto-posts to the LMS (its origin allowed in form-action for that page only).
  const returns = fake.deepLinkReturns.length;
  await page.getByRole("button", { name: "Add to the LMS" }).click();
  await page.locator("#done").waitFor();
  expect(fake.deepLinkReturns).toHaveLength(returns + 1);
  const ctx = await server.db.ltiContext.findFirstOrThrow();
  for (let i = 0; i < 50 && !(await server.db.ltiScoreOutbox.findFirst({ where: { status: "failed" } })); i++) await new Promise((r) => setTimeout(r, 100));
  await page.goto(`${server.url}/courses/${ctx.courseId}/lms`);
  await page.getByText("Assignment is unpublished").waitFor();
  fake.members = [TEACHER];
  await page.getByRole("button", { name: "Sync roster from the LMS" }).click();
  await page.locator("[data-testid=roster-changes]").waitFor();
  await check(page, "lti-course");
  await page.goto(`${server.url}/admin/lti`);
  await check(page, "lti-admin");
  await page.goto(`${server.url}/lti/login?iss=https://unknown.example&login_hint=x&target_link_uri=${encodeURIComponent(server.url + "/lti/launch")}`);
  await page.getByText("The LMS launch was refused").waitFor();
  await check(page, "lti-refused");
  const anon = await browser.newContext();
  const p2 = await anon.newPage();
  await p2.goto(`${server.url}/lti/continue?next=/assignments&resume=abc`);
  await check(p2, "lti-continue");
  await anon.close();
  await context.close();
});
