/**
 * Answer-leak scan: every student page and JSON response of an assignment holding every exercise
 * type, in every state (open, attempts used up, revealed), searched for the keys in several number
 * formats. Nothing before the reveal; the key after it (so the scan can see a leak).
 */
import { listExercises } from "../../exercises";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { leakedForms } from "../support/key-leak";
import { createTestApp, signInAgent, type TestApp } from "../support/test-app";

import type { Shape } from "../../src/grading";
import { fillerAnswers } from "../support/answers";
type Item = { itemId: number; variantId: number; exercise: string; data: unknown; parts: { name: string; shape: Shape }[] };

let t: TestApp;
let tok: Tokens;
let assignmentId: number;
let items: Item[];
const keys = new Map<number, Record<string, unknown>>();
let student: Awaited<ReturnType<typeof signInAgent>>;

/** All responses a student can get for this assignment: pages, downloads and JSON. */
async function studentResponses(): Promise<{ what: string; text: string }[]> {
  const out: { what: string; text: string }[] = [];
  const pages = ["/assignments", `/assignments/${assignmentId}`, ...items.flatMap((i) => [`/assignments/${assignmentId}/items/${i.itemId}`, `/variants/${i.variantId}/data.csv`, `/variants/${i.variantId}/data.json`])];
  for (const p of pages) out.push({ what: p, text: (await student.get(p).expect(200)).text });
  out.push({ what: "GET /api/v1/assignments/:id", text: (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).text });
  out.push({ what: "GET /api/v1/courses/:id/assignments", text: (await as(t.app, tok.student1).get(`/api/v1/courses/${(await t.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).courseId}/assignments`)).text });
  return out;
}

/**
 * Key forms found in the responses. A response about one item (its page, its downloads, its
 * submissions) is searched for that item's key from 4 significant digits; every other response
 * and item from 6 digits, as one variant's 4-digit rounding can coincide with a number in another
 * variant's data or plot (once seen: a full-covariance key 2.348 in a univariate histogram).
 */
function leaks(responses: { what: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const r of responses) {
    for (const item of items) {
      const own = r.what.endsWith(`/items/${item.itemId}`) || r.what.includes(`/variants/${item.variantId}/`) || r.what.endsWith(` ${item.exercise}`);
      for (const f of leakedForms(r.text, keys.get(item.variantId)!, item.data, own ? 4 : 6)) found.push(`${r.what}: key of ${item.exercise} as ${f}`);
    }
  }
  return found;
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  const { courseId } = await twoCourses(t.db);
  tok = await allTokens(t.app);
  const slugs = listExercises().map((e) => e.slug);
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, { title: "Every exercise", kind: "homework", maxAttempts: 2, revealPolicy: "after-due", dueAt: new Date(Date.now() + 86400_000).toISOString(), items: slugs.map((exercise) => ({ exercise })) })
    .expect(201);
  assignmentId = created.body.id;
  items = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items;
  for (const i of items) keys.set(i.variantId, (await as(t.app, tok.instructor).get(`/api/v1/variants/${i.variantId}/key`).expect(200)).body.key);
  student = await signInAgent(t.app, "student1@example.edu", PASSWORD);
});
afterAll(() => t.close());

test("the assignment holds every exercise type", () => {
  expect(items.map((i) => i.exercise).sort()).toEqual(listExercises().map((e) => e.slug).sort());
});

test("open, before any attempt: no key anywhere", async () => {
  expect(leaks(await studentResponses())).toEqual([]);
});

test("attempts used up (reveal after due): no key in the submission responses or any page", async () => {
  const submissionResponses: { what: string; text: string }[] = [];
  for (const item of items) {
    const answers = fillerAnswers(item.parts);
    for (let i = 0; i < 2; i++) {
      const res = await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers });
      expect(res.status).toBe(201);
      submissionResponses.push({ what: `POST submission ${item.exercise}`, text: res.text });
    }
    const refused = await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers });
    expect(refused.status).toBe(409);
    submissionResponses.push({ what: `refused submission ${item.exercise}`, text: refused.text });
  }
  expect(leaks([...submissionResponses, ...(await studentResponses())])).toEqual([]);
});

test("after the due date the key is revealed (the scan sees it)", async () => {
  await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date(Date.now() - 1000) } });
  const found = leaks(await studentResponses());
  const revealed = new Set(found.map((f) => f.split(": key of ")[1]!.split(" as ")[0]));
  // Every exercise whose key has a long enough number to be recognised shows up.
  const detectable = items.filter((i) => leakedForms(JSON.stringify(keys.get(i.variantId)), keys.get(i.variantId)!, i.data).length > 0);
  expect(detectable.length).toBeGreaterThan(8);
  for (const i of detectable) expect(revealed).toContain(i.exercise);
});
