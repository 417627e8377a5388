import fs from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startLiveServer, TEST_PASSWORD } from "./live-server";

/** Debian's Chromium (installed by .ci/run); Playwright cannot download its own browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium with the flags that work as root on these machines (Playwright gives each launch a fresh profile). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export const PHONE = { width: 390, height: 844 };
export const PROJECTOR = { width: 1920, height: 1080 };

export type LiveServer = Awaited<ReturnType<typeof startLiveServer>>;

/** A live server and Chromium for one suite, started before its tests and closed after them. */
export function withServerAndBrowser(env: Record<string, string> = {}): { server: LiveServer; browser: Browser } {
  const ctx = {} as { server: LiveServer; browser: Browser };
  beforeAll(async () => {
    [ctx.server, ctx.browser] = await Promise.all([startLiveServer(env), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  return ctx;
}

/** Signs a page in through the sign-in form with the demo password. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}
