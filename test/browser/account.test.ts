import { newToken, api } from "../support/http-client";
import { PHONE, PROJECTOR, signIn, withServerAndBrowser } from "../support/browser";
import { TMP_DIR } from "../support/paths";
import { TEST_PASSWORD } from "../support/live-server";

const live = withServerAndBrowser();
const DESKTOP = { width: 1280, height: 800 };
/** Screenshots go to the run's scratch folder (deleted afterwards) unless LIKELY_SCREENSHOTS names a folder to keep them. */
const SHOTS = process.env.LIKELY_SCREENSHOTS ?? TMP_DIR;

test("password change on the account page keeps this browser signed in and signs the others out; sign out everywhere signs out all", async () => {
  const url = live.server.url;
  const desktop = await (await live.browser.newContext({ viewport: DESKTOP })).newPage();
  const phone = await (await live.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })).newPage();
  await signIn(desktop, url, "student1@example.edu");
  await signIn(phone, url, "student1@example.edu");
  const token = await newToken(url, "student1@example.edu", TEST_PASSWORD);
  expect((await api(url, token, "GET", "/me")).status).toBe(200);

  // Reached from the navigation bar, on the phone too.
  await phone.click("nav >> text=Account");
  expect(new URL(phone.url()).pathname).toBe("/account");
  await phone.screenshot({ path: `${SHOTS}/account-phone.png`, fullPage: true });
  await desktop.goto(`${url}/account`);
  await desktop.screenshot({ path: `${SHOTS}/account-desktop.png`, fullPage: true });
  await desktop.setViewportSize(PROJECTOR);
  await desktop.screenshot({ path: `${SHOTS}/account-projector.png`, fullPage: true });
  await desktop.setViewportSize(DESKTOP);

  await desktop.fill("#currentPassword", TEST_PASSWORD);
  await desktop.fill("#newPassword", "browser-password-1");
  await desktop.fill("#confirmPassword", "browser-password-1");
  await Promise.all([desktop.waitForNavigation(), desktop.click("button:has-text('Change password')")]);
  expect(await desktop.textContent("[role=status]")).toContain("Password changed");
  expect(await desktop.locator("[role=status]").count()).toBe(1);
  await desktop.screenshot({ path: `${SHOTS}/account-changed-desktop.png`, fullPage: true });
  await desktop.goto(`${url}/assignments`);
  expect(new URL(desktop.url()).pathname).toBe("/assignments"); // still signed in
  await phone.reload();
  expect(new URL(phone.url()).pathname).toBe("/signin"); // the other browser is signed out
  expect((await api(url, token, "GET", "/me")).status).toBe(401);

  // The phone signs in with the new password and signs out everywhere.
  await phone.fill("#email", "student1@example.edu");
  await phone.fill("#password", "browser-password-1");
  await Promise.all([phone.waitForNavigation(), phone.click("button[type=submit]")]);
  expect(new URL(phone.url()).pathname).toBe("/account"); // back to where it was sent from
  await Promise.all([phone.waitForNavigation(), phone.click("#signout-everywhere")]);
  expect(new URL(phone.url()).pathname).toBe("/signin");
  expect(await phone.textContent("form")).toContain("signed out on every device");
  await phone.screenshot({ path: `${SHOTS}/signed-out-everywhere-phone.png`, fullPage: true });
  await desktop.reload();
  expect(new URL(desktop.url()).pathname).toBe("/signin");
}, 60_000);

test("an instructor resets a student's password from the student page and finds it in the audit trail", async () => {
  const url = live.server.url;
  const page = await (await live.browser.newContext({ viewport: DESKTOP })).newPage();
  await signIn(page, url, "instructor@example.edu");
  const course = await live.server.db.course.findFirstOrThrow({ where: { code: "ML101" } });
  const s2 = await live.server.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
  await page.goto(`${url}/courses/${course.id}/students/${s2.id}`);
  await page.fill("form.extension-form >> nth=0 >> input[name=extraAttempts]", "2");
  await Promise.all([page.waitForNavigation(), page.click("form.extension-form >> nth=0 >> button")]);
  await page.click("#password-reset summary");
  await Promise.all([page.waitForNavigation(), page.click("#password-reset button")]);
  const password = (await page.textContent("[data-testid=new-password]"))!.trim();
  expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  await page.screenshot({ path: `${SHOTS}/password-reset-desktop.png`, fullPage: true });
  await newToken(url, "student2@example.edu", password);

  await page.goto(`${url}/courses/${course.id}`);
  await Promise.all([page.waitForNavigation(), page.click("text=Audit trail")]);
  expect(await page.textContent(".audit-list")).toContain("Password of student2@example.edu reset");
  for (const summary of await page.locator(".audit-changes summary").all()) await summary.click();
  expect(await page.locator(".audit-entry[data-action=extension]").count()).toBe(1);
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar would land mid-page in a full-page shot
  await page.screenshot({ path: `${SHOTS}/audit-desktop.png`, fullPage: true });
  await page.setViewportSize(PROJECTOR);
  await page.screenshot({ path: `${SHOTS}/audit-projector.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/audit-phone.png`, fullPage: true });
  await page.selectOption("#action", "roster.import");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Filter')")]);
  expect(await page.textContent("[data-testid=audit-count]")).toContain("0 entries");
  expect(await page.textContent(".empty")).toContain("match these filters");
}, 60_000);
