/**
 * Finding 25: the student's data download carried the variant's seed (and params), and with the
 * public CLI (`likely exercises show SLUG --seed S`) the seed reproduces the key and the worked
 * solution. Every response a student can get, for every exercise type and for quizzes with shared
 * and personal data, is searched for the seeds of the variants behind it.
 */
import { createVariant, listExercises } from "../../exercises";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400));
  await t.close();
});

function seedsIn(text: string, seeds: number[]): number[] {
  return seeds.filter((s) => new RegExp(`(^|[^0-9.])${s}([^0-9]|$)`).test(text));
}

test("homework: pages, downloads and JSON of every exercise carry no seed; the download is the data", async () => {
  const slugs = listExercises().map((e) => e.slug);
  const { id: assignmentId } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Seeds", kind: "homework", items: slugs.map((exercise) => ({ exercise })) }).expect(201)).body;
  const api = await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200);
  const items = api.body.items as { itemId: number; variantId: number; exercise: string }[];
  const rows = await t.db.variant.findMany({ where: { id: { in: items.map((i) => i.variantId) } } });
  const seeds = rows.map((r) => r.seed);
  // Why it matters: the seed alone (with the public catalogue) gives the key.
  for (const r of rows) expect(createVariant(r.exercise, r.seed, JSON.parse(r.params)).key).toEqual(JSON.parse(r.key));

  const student = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  const responses: [string, string][] = [["GET /api/v1/assignments/:id", api.text]];
  for (const path of ["/assignments", `/assignments/${assignmentId}`, ...items.flatMap((i) => [`/assignments/${assignmentId}/items/${i.itemId}`, `/variants/${i.variantId}/data.csv`, `/variants/${i.variantId}/data.json`])]) {
    responses.push([path, (await student.get(path).expect(200)).text]);
  }
  const found = responses.flatMap(([what, text]) => seedsIn(text, seeds).map((s) => `${what}: seed ${s}`));
  expect(found).toEqual([]);
  for (const i of items) {
    const json = JSON.parse((await student.get(`/variants/${i.variantId}/data.json`).expect(200)).text) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(["data", "slug"]);
  }
});

test.each([true, false])("quiz (sharedData %s): the student's current question and page state carry no seed", async (sharedData) => {
  const quizId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Seeds", sharedData, items: [{ exercise: "gaussian-mle" }, { exercise: "em-iteration" }] }).expect(201)).body.id;
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body;
  await as(t.app, tok.student2).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
  const phone = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  const texts: [string, string][] = [];
  for (let q = 0; q < 2; q++) {
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
    texts.push([`current ${q}`, (await as(t.app, tok.student2).get(`/api/v1/quizzes/${quizId}/current`).expect(200)).text]);
    texts.push([`state ${q}`, (await phone.get(`/quiz/${quizId}/state`).expect(200)).text]);
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/reveal`).expect(200);
    texts.push([`revealed ${q}`, (await as(t.app, tok.student2).get(`/api/v1/quizzes/${quizId}/current`).expect(200)).text]);
  }
  texts.push(["page", (await phone.get(`/quiz/${quizId}`).expect(200)).text]);
  const seeds = (await t.db.variant.findMany({ where: { quizItem: { quizId } } })).map((v) => v.seed);
  expect(seeds.length).toBeGreaterThanOrEqual(2);
  expect(texts.flatMap(([what, text]) => seedsIn(text, seeds).map((s) => `${what}: seed ${s}`))).toEqual([]);
});
