import { main } from "../../src/cli/main";
import type { Db } from "../../src/db/client";
import { FakeLms } from "../../bench/lib/fake-lms";
import { Browserish, formFields, launchThrough, unescapeHtml } from "../../bench/lib/lti-client";

/** Runs `likely lti ...` in this process against a database (its DATABASE_URL); resolves to its exit code and output. */
export async function runLtiCli(databaseUrl: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, { DATABASE_URL: databaseUrl, NODE_ENV: "test", ...env });
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await main(["lti", ...args]);
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.env = saved;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout: out.join(""), stderr: err.join("") };
}

export function addPlatformArgs(fake: FakeLms): string[] {
  return ["add-platform", "--issuer", fake.issuer, "--client-id", fake.clientId, "--auth-url", fake.authUrl, "--token-url", fake.tokenUrl, "--jwks-url", fake.jwksUrl, "--deployment-id", fake.deploymentId, "--name", "Fake Moodle"];
}

export const TEACHER = { sub: "lms-teacher-1", name: "Tess Teacher", email: "tess@lms.example", roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"] };
export const learner = (i: number) => ({ sub: `lms-student-${i}`, name: `Student ${i}`, email: `s${i}@lms.example`, roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"] });

/** The instructor's deep linking of the first `count` assignments; returns the content items the LMS received. */
export async function deepLinkAssignments(fake: FakeLms, toolOrigin: string, count: number): Promise<Record<string, unknown>[]> {
  const b = new Browserish();
  const { res } = await launchThrough(b, fake, toolOrigin, { user: TEACHER, message: "LtiDeepLinkingRequest" });
  if (res.status !== 303) throw new Error(`deep link launch answered ${res.status}: ${await res.text()}`);
  const { res: picker, url } = await b.follow(new URL(res.headers.get("location")!, toolOrigin).toString());
  if (picker.status !== 200 || !url.includes("/lti/deep-link")) throw new Error(`picker: ${picker.status} at ${url}`);
  const html = await picker.text();
  const ids = [...html.matchAll(/name="assignment" value="(\d+)"/g)].map((m) => m[1]!).slice(0, count);
  const { fields } = formFields(html, 'name="ctx"');
  const answer = await b.fetch(`${toolOrigin}/lti/deep-link`, { form: { ...fields, assignment: ids } });
  if (answer.status !== 200) throw new Error(`picker post answered ${answer.status}: ${await answer.text()}`);
  const back = formFields(await answer.text(), 'id="lti-autopost"');
  const lms = await b.fetch(back.action, { form: back.fields });
  if (lms.status !== 200) throw new Error(`LMS refused the deep linking response: ${fake.problems.join("; ")}`);
  return fake.deepLinkReturns.at(-1)!.items;
}

/** A student's launch of a deep-linked assignment; returns the signed-in browser and the landing URL. */
export async function studentLaunch(fake: FakeLms, toolOrigin: string, i: number, itemIndex = 0) {
  const b = new Browserish();
  const item = fake.deepLinkReturns[0]!.items[itemIndex]!;
  const lineItem = fake.lineItems[itemIndex]!;
  const { res } = await launchThrough(b, fake, toolOrigin, fake.resourceLaunch(learner(i), lineItem, item));
  if (res.status !== 303) throw new Error(`student launch answered ${res.status}: ${await res.text()}`);
  const landed = await b.follow(new URL(res.headers.get("location")!, toolOrigin).toString());
  return { b, landed, assignmentId: Number((item.custom as Record<string, string>).likely_assignment_id) };
}

/** Answers as the form expects them: the variant's key (correct) or 7s (wrong). */
function formatAnswer(v: unknown): string {
  return Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/**
 * Submits the first exercise of an assignment through the page form; `correct` answers with the
 * variant's key (read from the database), otherwise with wrong numbers.
 */
export async function submitThroughPage(b: Browserish, toolOrigin: string, db: Db, assignmentId: number, correct: boolean): Promise<number> {
  const list = await b.fetch(`${toolOrigin}/assignments/${assignmentId}`);
  const listHtml = await list.text();
  const itemPath = /href="(\/assignments\/\d+\/items\/\d+)"/.exec(listHtml)?.[1];
  if (!itemPath) throw new Error(`no exercise link on the assignment page (${list.status})`);
  const page = await b.fetch(toolOrigin + itemPath);
  const html = await page.text();
  const { fields } = formFields(html, 'name="idempotencyKey"');
  const parts = [...html.matchAll(/name="part_([A-Za-z0-9_]+)"/g)].map((m) => m[1]!);
  const itemId = Number(itemPath.split("/").at(-1));
  const userId = (await db.session.findFirst({ where: { csrfToken: fields._csrf }, select: { userId: true } }))!.userId;
  const variant = await db.variant.findUniqueOrThrow({ where: { itemId_userId: { itemId, userId } } });
  const key = JSON.parse(variant.key) as Record<string, unknown>;
  const form: Record<string, string> = { _csrf: fields._csrf!, idempotencyKey: fields.idempotencyKey! };
  for (const p of parts) form[`part_${p}`] = correct ? formatAnswer(key[p]) : formatAnswer(Array.isArray(key[p]) ? (key[p] as unknown[]).map(() => 7) : 7777);
  const res = await b.fetch(toolOrigin + itemPath, { form });
  if (res.status !== 303) throw new Error(`submission answered ${res.status}: ${unescapeHtml((await res.text()).slice(0, 500))}`);
  return userId;
}

export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
