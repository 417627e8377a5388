/** Every exercise's preview page renders in Chromium: math, question, key and worked solution, no errors. */
import { listExercises } from "../../exercises";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";

const live = withServerAndBrowser();

test("the catalogue and every preview page render without errors", async () => {
  const context = await live.browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await signIn(page, live.server.url, "instructor@example.edu");

  const catalogue = await page.goto(`${live.server.url}/catalogue`);
  expect(catalogue!.status()).toBe(200);
  const slugs = listExercises().map((e) => e.slug);
  expect(await page.locator(".exercise-card").count()).toBe(slugs.length);

  for (const slug of slugs) {
    const res = await page.goto(`${live.server.url}/catalogue/${slug}?seed=42`);
    expect({ slug, status: res!.status() }).toEqual({ slug, status: 200 });
    expect(await page.locator("[data-testid=question] .katex").count()).toBeGreaterThan(0);
    expect(await page.locator("[data-testid=solution] .katex").count()).toBeGreaterThan(0);
    const text = await page.locator("main").innerText();
    expect(text).not.toMatch(/NaN|undefined|\[object Object\]/);
    // Math is laid out (KaTeX's stylesheet loaded): rendered formulas have a height.
    const box = await page.locator("[data-testid=question] .katex").first().boundingBox();
    expect(box!.height).toBeGreaterThan(5);
  }
  // A phone can read every preview without the page scrolling sideways (wide math and tables scroll inside their box).
  await page.setViewportSize(PHONE);
  for (const slug of slugs) {
    await page.goto(`${live.server.url}/catalogue/${slug}?seed=42`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect({ slug, overflow }).toEqual({ slug, overflow: 0 });
  }
  expect(problems).toEqual([]);
  await context.close();
}, 60_000);
