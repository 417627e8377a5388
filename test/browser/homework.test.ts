import fs from "node:fs";
import { PHONE, signIn, withServerAndBrowser } from "../support/browser";
import { TMP_DIR } from "../support/paths";

const live = withServerAndBrowser();

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

test("instructor builds an assignment, a student gets diagnosed then full marks, the gradebook shows it", async () => {
  // The instructor creates an assignment from three catalogue exercises with the form.
  const instructor = await (await live.browser.newContext({ acceptDownloads: true })).newPage();
  await signIn(instructor, live.server.url, "instructor@example.edu");
  expect(new URL(instructor.url()).pathname).toBe("/courses");
  await instructor.click("text=ML101");
  await instructor.click("text=New assignment");
  await instructor.fill("#title", "Browser homework");
  await instructor.fill("#maxAttempts", "3");
  await instructor.selectOption("#item0_exercise", "gaussian-mle");
  await instructor.fill("#item0_points", "2");
  await instructor.selectOption("#item1_exercise", "bernoulli-mle");
  await instructor.selectOption("#item2_exercise", "spherical-gaussian-mle");
  await instructor.fill("#item2_params", "n=6, d=2");
  await Promise.all([instructor.waitForNavigation(), instructor.click("text=Create assignment")]);
  expect(await instructor.textContent("h1")).toBe("Browser homework");
  const assignmentId = Number(/\/assignments\/(\d+)/.exec(instructor.url())![1]);

  // The student, on a phone, opens it and submits a classic mistake, then the right answer.
  const student = await (await live.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })).newPage();
  await signIn(student, live.server.url, "student1@example.edu");
  expect(new URL(student.url()).pathname).toBe("/assignments");
  await student.click("text=Browser homework");
  await student.click("text=Exercise 1");
  const variant = await live.server.db.variant.findFirstOrThrow({ where: { item: { assignmentId, position: 0 }, user: { email: "student1@example.edu" } } });
  const x = (JSON.parse(variant.data) as { x: number[] }).x;
  const m = mean(x);
  const ss = x.reduce((a, v) => a + (v - m) ** 2, 0);
  await student.fill("#part-mean", String(m));
  await student.fill("#part-variance", String(ss / (x.length - 1)));
  await Promise.all([student.waitForNavigation(), student.click("button:has-text('Submit answer')")]);
  expect(await student.textContent("#result")).toContain("50%");
  const feedback = await student.locator(".part.wrong .feedback").textContent();
  expect(feedback).toMatch(/n − 1|n - 1/);
  await student.screenshot({ path: `${TMP_DIR}/browser-student-diagnosis.png`, fullPage: true });

  await student.fill("#part-mean", m.toFixed(6));
  await student.fill("#part-variance", (ss / x.length).toPrecision(8));
  await Promise.all([student.waitForNavigation(), student.click("button:has-text('Submit answer')")]);
  expect(await student.textContent("#result")).toContain("100%");
  expect(await student.locator(".part.correct").count()).toBe(2);
  expect(await student.textContent("body")).toContain("1 attempt left");

  // The instructor sees the score in the gradebook and downloads the CSV.
  const { courseId } = await live.server.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
  await instructor.goto(`${live.server.url}/courses/${courseId}/gradebook`);
  const row = instructor.locator("tr", { hasText: "student1@example.edu" });
  const header = await instructor.locator("thead th").allTextContents();
  const column = header.findIndex((h) => h.includes("Browser homework"));
  expect(column).toBeGreaterThan(0);
  expect((await row.locator("th, td").nth(column).textContent())!.trim()).toBe("2");
  const [download] = await Promise.all([instructor.waitForEvent("download"), instructor.click("text=Export CSV")]);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.replace(/^\uFEFF/, "").trim().split(/\r\n/);
  const cols = lines[0]!.split(",");
  const index = cols.findIndex((c) => c.startsWith("Browser homework"));
  expect(cols[index]).toBe("Browser homework (4 pts)");
  const studentLine = lines.find((l) => l.includes("student1@example.edu"))!.split(",");
  expect(studentLine[index]).toBe("2");
}, 60_000);
