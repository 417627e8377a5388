/**
 * The admin pages in Chromium: an admin creates an instructor and changes a role with the forms,
 * at phone, desktop and projector sizes, with nothing wider than the screen.
 * Screenshots go to LIKELY_SCREENSHOTS when set (for a person to look at).
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { createAccount } from "../../src/auth/create-account";
import { TEST_PASSWORD } from "../support/live-server";
import { PHONE, PROJECTOR, signIn, withServerAndBrowser } from "../support/browser";

jest.setTimeout(90_000);
const ctx = withServerAndBrowser();
const SIZES = { phone: PHONE, desktop: { width: 1280, height: 800 }, projector: PROJECTOR };

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.LIKELY_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

beforeAll(async () => {
  await createAccount(ctx.server.db, { email: "admin@example.edu", name: "Ada Admin", role: "admin", password: TEST_PASSWORD });
});

test.each(Object.entries(SIZES))("at %s size an admin creates an instructor and changes a role", async (size, viewport) => {
  const page = await ctx.browser.newPage({ viewport });
  try {
    await signIn(page, ctx.server.url, "admin@example.edu");
    expect(new URL(page.url()).pathname).toBe("/admin");
    await expect(page.locator("h1").textContent()).resolves.toBe("Admin");
    await shot(page, `admin-index-${size}`);
    await noHorizontalScroll(page);

    await page.click('nav a[href="/admin/users"]');
    await page.fill("#new-email", `prof.${size}@example.edu`);
    await page.fill("#new-name", `Prof ${size}`);
    await page.selectOption("#new-role", "instructor");
    await Promise.all([page.waitForNavigation(), page.click(".admin-new-account button[type=submit]")]);
    const password = (await page.locator(".admin-password").textContent())!.trim();
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await shot(page, `admin-users-created-${size}`);
    await noHorizontalScroll(page);

    const student = await ctx.server.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
    const target = size === "desktop" ? "instructor" : "student";
    await page.selectOption(`#role-${student.id}`, target);
    await Promise.all([page.waitForNavigation(), page.click(`form[action="/admin/users/${student.id}/role"] button`)]);
    await expect(page.locator(".notice-success").textContent()).resolves.toContain(`student2@example.edu is now ${target}`);
    expect((await ctx.server.db.user.findUniqueOrThrow({ where: { id: student.id } })).role).toBe(target);
    await shot(page, `admin-users-${size}`);
    await noHorizontalScroll(page);
  } finally {
    await page.close();
  }
});
