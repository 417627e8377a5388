/**
 * Issue 12 point 5: an item asks for σ instead of σ² (or the precision, or log-weights); a student
 * answering in the other parametrisation is told so. Through the API and the builders' forms, on
 * real SQLite over HTTP.
 */
import request from "supertest";
import { selectOptionalQuiz, selectOptionalQuizVariant } from "../../src/db/quizzes";
import { toVariantRecord } from "../../src/quiz/variants";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let assignmentId: number;

type Part = { name: string; label: string };
type Item = { itemId: number; exercise: string; variantId: number; prompt: string; data: { x: number[] }; parts: Part[] };

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const mleVariance = (x: number[]) => mean(x.map((v) => (v - mean(x)) ** 2));

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, {
      title: "σ or σ²",
      kind: "homework",
      items: [
        { exercise: "gaussian-mle", parametrisation: { variance: "sd" } },
        { exercise: "gaussian-mle" },
        { exercise: "gaussian-full-mle", params: { n: 8 }, parametrisation: { covariance: "precision" } },
      ],
    })
    .expect(201);
  assignmentId = created.body.id;
});
afterAll(() => t.close());

describe("the API", () => {
  test("a σ item: the question and the labels say σ; σ² typed is diagnosed as the variance; the key is σ", async () => {
    const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200);
    const [sd, plain] = view.body.items as Item[];
    expect(sd!.parts.find((p) => p.name === "variance")!.label).toBe("MLE of the standard deviation σ");
    expect(sd!.prompt).toContain("This item asks for the standard deviation σ, not the variance σ².");
    expect(plain!.parts.find((p) => p.name === "variance")!.label).toBe("MLE of the variance σ²");
    expect(plain!.prompt).not.toContain("This item asks for");
    expect(JSON.stringify(view.body)).not.toMatch(/"key"/);

    const x = sd!.data.x;
    const variance = Number(mleVariance(x).toPrecision(5));
    const wrong = await as(t.app, tok.student1).post(`/api/v1/variants/${sd!.variantId}/submissions`, { answers: { mean: mean(x), variance } }).expect(201);
    expect(wrong.body.parts[1]).toEqual({ name: "variance", correct: false, mistake: "variance-for-sd", feedback: `You gave the variance σ² = ${String(Number(variance.toPrecision(4)))}; this item asks for the standard deviation σ.` });
    expect(wrong.body.score).toBe(0.5);
    const right = await as(t.app, tok.student1).post(`/api/v1/variants/${sd!.variantId}/submissions`, { answers: { mean: mean(x), variance: Math.sqrt(mleVariance(x)) } }).expect(201);
    expect(right.body.score).toBe(1);

    // The same σ² on the default item is right: default items are unchanged.
    const px = plain!.data.x;
    const ok = await as(t.app, tok.student1).post(`/api/v1/variants/${plain!.variantId}/submissions`, { answers: { mean: mean(px), variance: mleVariance(px) } });
    expect([ok.status, ok.body.error]).toEqual([201, undefined]);
    expect(ok.body.score).toBe(1);

    const key = await as(t.app, tok.instructor).get(`/api/v1/variants/${sd!.variantId}/key`).expect(200);
    expect(key.body.key.variance).toBeCloseTo(Math.sqrt(mleVariance(x)), 10);
    expect(JSON.stringify(key.body.solution)).toContain("Convert to the standard deviation");
  });

  test("a precision item: the covariance typed is named", async () => {
    const view = await as(t.app, tok.student2).get(`/api/v1/assignments/${assignmentId}`).expect(200);
    const item = (view.body.items as (Item & { data: { x: number[][] } })[])[2]!;
    const x = item.data.x as unknown as number[][];
    const mu = [0, 1].map((j) => mean(x.map((p) => p[j]!)));
    const cov = [0, 1].map((a) => [0, 1].map((b) => mean(x.map((p) => (p[a]! - mu[a]!) * (p[b]! - mu[b]!)))));
    const res = await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: mu, covariance: cov } }).expect(201);
    expect(res.body.parts[1].feedback).toMatch(/^You gave the covariance matrix Σ = \[\[.+\]\]; this item asks for the precision matrix Λ = Σ⁻¹\.$/);
  });

  test("a choice the exercise does not offer: 400 naming the item's parametrisation field, nothing created", async () => {
    const before = await t.db.assignment.count();
    const cases: [unknown, RegExp][] = [
      [{ exercise: "bernoulli-mle", parametrisation: { variance: "sd" } }, /^items\.0\.parametrisation: "variance" cannot be chosen: bernoulli-mle offers no parametrisation choice$/],
      [{ exercise: "gaussian-mle", parametrisation: { variance: "stdev" } }, /^items\.0\.parametrisation: variance must be "variance" \(the lecture's\) or "sd", got "stdev"$/],
      [{ exercise: "gaussian-mle", parametrisation: "sd" }, /^items\.0\.parametrisation: expected parametrisation: an object/],
    ];
    for (const [item, message] of cases) {
      const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "homework", items: [item] });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect(await t.db.assignment.count()).toBe(before);
  });
});

describe("quizzes", () => {
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  test("a quiz item asking for σ: shared variant keyed in σ, σ² answered is diagnosed; a bad choice is a 400", async () => {
    const bad = await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth(tok.instructor)).send({ title: "Q", items: [{ exercise: "bernoulli-mle", parametrisation: { weights: "log-weights" } }] }).expect(400);
    expect(bad.body.error).toMatch(/^items\.0\.parametrisation: "weights" cannot be chosen/);

    const created = await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth(tok.instructor)).send({ title: "σ quiz", items: [{ exercise: "gaussian-mle", parametrisation: { variance: "sd" } }] }).expect(201);
    const quizId = created.body.id as number;
    const quiz = (await selectOptionalQuiz(t.db, quizId))!;
    expect(quiz.items[0]!.params).toEqual({ n: 6, parametrisation: { variance: "sd" } });
    const v = toVariantRecord((await selectOptionalQuizVariant(t.db, quiz.items[0]!.id, null))!);
    const x = (v.data as { x: number[] }).x;
    expect(v.key.variance).toBeCloseTo(Math.sqrt(mleVariance(x)), 10);

    const { joinCode } = (await request(t.app).post(`/api/v1/quizzes/${quizId}/start`).set(auth(tok.instructor)).expect(200)).body;
    await request(t.app).post("/api/v1/quiz-join").set(auth(tok.student1)).send({ code: joinCode }).expect(200);
    await request(t.app).post(`/api/v1/quizzes/${quizId}/next`).set(auth(tok.instructor)).expect(200);
    const current = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth(tok.student1)).expect(200);
    expect(current.body.parts.map((p: Part) => p.label)).toEqual(["MLE of the mean μ", "MLE of the standard deviation σ"]);
    expect(current.body.prompt).toContain("This item asks for the standard deviation σ");
    await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set(auth(tok.student1)).send({ index: 0, answers: { mean: mean(x), variance: mleVariance(x) } }).expect(201);
    const response = await t.db.quizResponse.findFirstOrThrow({ where: { quizId } });
    const results = JSON.parse(response.results) as { name: string; mistake?: string; feedback: string }[];
    expect(results[1]).toMatchObject({ name: "variance", mistake: "variance-for-sd" });
    expect(results[1]!.feedback).toMatch(/^You gave the variance σ² = /);
  });
});

describe("the builders' forms (plain form POST)", () => {
  test("the assignment builder's select makes a σ item; an unsupported choice re-renders naming the row's select", async () => {
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
    expect(form.text).toContain('<select id="item0_parametrisation" name="item0_parametrisation"');
    expect(form.text).toContain('<option value="variance&#x3D;sd" >Standard deviation σ (not σ²)</option>');
    const csrf = csrfFrom(form.text);
    const before = await t.db.assignment.count();
    const bad = await instructor
      .post(`/courses/${courseId}/assignments`)
      .type("form")
      .send({ _csrf: csrf, title: "Form σ", kind: "homework", item0_exercise: "bernoulli-mle", item0_parametrisation: "variance=sd" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Exercise 1 asks for: &quot;variance&quot; cannot be chosen: bernoulli-mle offers no parametrisation choice");
    expect(bad.text).toMatch(/<select id="item0_parametrisation" name="item0_parametrisation"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('<option value="variance&#x3D;sd" selected>');
    expect(await t.db.assignment.count()).toBe(before);

    const ok = await instructor
      .post(`/courses/${courseId}/assignments`)
      .type("form")
      .send({ _csrf: csrf, title: "Form σ", kind: "homework", item0_exercise: "gaussian-mle", item0_parametrisation: "variance=sd", item1_exercise: "em-iteration", item1_parametrisation: "variance=sd, weights=log-weights", item2_exercise: "gaussian-mle" })
      .expect(303);
    const id = Number(/\/assignments\/(\d+)/.exec(ok.headers.location)![1]);
    const items = await t.db.assignmentItem.findMany({ where: { assignmentId: id }, orderBy: { position: "asc" } });
    expect(items.map((i) => JSON.parse(i.params))).toEqual([
      { n: 10, parametrisation: { variance: "sd" } },
      expect.objectContaining({ parametrisation: { variance: "sd", weights: "log-weights" } }),
      { n: 10 },
    ]);
    const page = await instructor.get(`/assignments/${id}`).expect(200);
    expect(page.text).toContain("n&#x3D;10; asks for variance&#x3D;sd");
  });

  test("the quiz builder's select makes a σ question; a bad choice is explained", async () => {
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const page = await instructor.get(`/courses/${courseId}/quizzes`).expect(200);
    expect(page.text).toContain('<select id="parametrisation1" name="parametrisation1">');
    const csrf = csrfFrom(page.text);
    const bad = await instructor.post(`/courses/${courseId}/quizzes`).type("form").send({ _csrf: csrf, title: "Form quiz σ", secondsPerQuestion: "45", exercise1: "gaussian-full-mle", parametrisation1: "variance=sd" }).expect(400);
    expect(bad.text).toContain("items.0.parametrisation: &quot;variance&quot; cannot be chosen: gaussian-full-mle offers covariance");
    expect(bad.text).toContain('<option value="variance&#x3D;sd" selected>');
    const ok = await instructor.post(`/courses/${courseId}/quizzes`).type("form").send({ _csrf: csrf, title: "Form quiz σ", secondsPerQuestion: "45", exercise1: "gaussian-full-mle", parametrisation1: "covariance=precision" }).expect(303);
    const id = Number(/\/quizzes\/(\d+)\/present/.exec(ok.headers.location)![1]);
    expect((await selectOptionalQuiz(t.db, id))!.items[0]!.params).toMatchObject({ parametrisation: { covariance: "precision" } });
  });
});

describe("the catalogue preview", () => {
  test("offers the exercise's own choices and previews a σ variant; other exercises show no select", async () => {
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const page = await instructor.get("/catalogue/em-iteration?seed=5&asks=variance%3Dsd%2C%20weights%3Dlog-weights").expect(200);
    expect(page.text).toContain('<select id="asks" name="asks">');
    expect(page.text).toContain('<option value="variance&#x3D;sd, weights&#x3D;log-weights" selected>');
    expect(page.text).not.toContain("precision");
    expect(page.text).toContain("New spherical standard deviations σ₁…σₖ");
    expect(page.text).toContain("Convert to log-weights");
    const plain = await instructor.get("/catalogue/bernoulli-mle?seed=5").expect(200);
    expect(plain.text).not.toContain('id="asks"');
    const bad = await instructor.get("/catalogue/bernoulli-mle?seed=5&asks=variance%3Dsd").expect(400);
    expect(bad.text).toContain("parametrisation: &quot;variance&quot; cannot be chosen");
  });
});
