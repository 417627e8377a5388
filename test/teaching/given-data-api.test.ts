import { gaussianMle } from "../../src/solver";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";
import { LECTURE_POINTS } from "../support/lecture-data";

let t: TestApp;
let tok: Tokens;
let courseId: number;
type Agent = Awaited<ReturnType<typeof signInAgent>>;
let instructor: Agent;

const mle = gaussianMle(LECTURE_POINTS);

async function counts() {
  return { assignments: await t.db.assignment.count(), items: await t.db.assignmentItem.count(), quizzes: await t.db.quiz.count(), variants: await t.db.variant.count() };
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
});
afterAll(() => t.close());

describe("the instructor's own data through the API", () => {
  test("every student gets exactly the lecture's points and is graded against the solver's MLE", async () => {
    const created = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/assignments`, { title: "Lecture example", kind: "homework", items: [{ exercise: "gaussian-mle", data: { x: LECTURE_POINTS } }] })
      .expect(201);
    expect(created.body).toEqual({ id: expect.any(Number) });
    for (const student of [tok.student1, tok.student2]) {
      const view = await as(t.app, student).get(`/api/v1/assignments/${created.body.id}`).expect(200);
      const item = view.body.items[0];
      expect(item.data).toEqual({ x: LECTURE_POINTS });
      expect(JSON.stringify(view.body)).not.toContain(String(mle.variance));
      const wrong = await as(t.app, student).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: "0.42", variance: String((mle.variance * 16) / 15) } }).expect(201);
      expect(wrong.body.parts.find((p: { name: string }) => p.name === "variance")).toEqual(expect.objectContaining({ correct: false, mistake: "n-minus-1" }));
      const right = await as(t.app, student).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: String(mle.mean), variance: String(mle.variance) } }).expect(201);
      expect(right.body.score).toBe(1);
    }
  });

  test("a quiz question on given data shows everyone that data", async () => {
    const created = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/quizzes`, { title: "Lecture quiz", items: [{ exercise: "gaussian-mle", data: { x: LECTURE_POINTS } }], sharedData: false })
      .expect(201);
    const item = await t.db.quizItem.findFirstOrThrow({ where: { quizId: created.body.id } });
    expect(JSON.parse(item.data!)).toEqual({ x: LECTURE_POINTS });
    expect(JSON.parse(item.params)).toEqual({ n: 16 });
  });

  test("data the exercise cannot use answers 400 naming the value, and nothing is written", async () => {
    const before = await counts();
    const cases: [unknown, RegExp][] = [
      [{ exercise: "gaussian-mle", data: { x: [1, "two", 3] } }, /^items\.0\.data\.x\.1: expected a number, got text "two"/],
      [{ exercise: "gaussian-mle", data: { x: [4, 4, 4] } }, /^items\.0\.data\.x: all values are equal/],
      [{ exercise: "gmm-known-labels", data: { x: [[1], [2], [3], [4]], labels: [0, 0, 1, 9] } }, /^items\.0\.data\.labels\.3: expected a whole number from 0 to 3, got 9/],
      [{ exercise: "gmm-known-labels", data: { x: [[1], [2], [3], [4], [5]], labels: [0, 0, 0, 2, 2] } }, /^items\.0\.data\.labels: component 2 \(label 1\) has no points/],
      [{ exercise: "gaussian-mle", params: { n: 5 }, data: { x: [1, 2] } }, /^items\.0\.params: leave the parameters out/],
      [{ exercise: "e-step", data: { x: [1, 2] } }, /^items\.0\.data: the exercise e-step takes only generated data/],
      [{ exercise: "gaussian-mle", data: "1,2,3" }, /^items\.0\.data: expected an object with "x", got text/],
    ];
    for (const [item, message] of cases) {
      const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Bad", kind: "homework", items: [{ exercise: "gaussian-mle" }, item].reverse() });
      expect([res.status, res.body.error]).toEqual([400, expect.stringMatching(message)]);
      const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Bad", items: [item] });
      expect([quiz.status, quiz.body.error]).toEqual([400, expect.stringMatching(message)]);
    }
    expect(await counts()).toEqual(before);
  });

  test("10^6 points answer 413 with the limit, not a crash", async () => {
    const x = Array.from({ length: 1_000_000 }, (_, i) => (i % 1000) / 7);
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Huge", kind: "homework", items: [{ exercise: "gaussian-mle", data: { x } }] });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/request body too large \(limit \d+ bytes\)/);
  });

  test("the API says when a known mistake is graded right on the given data", async () => {
    const res = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/assignments`, { title: "Half ones", kind: "homework", items: [{ exercise: "bernoulli-mle", data: { x: [0, 1, 1, 0, 1, 0] } }] })
      .expect(201);
    expect(res.body.warnings).toEqual([{ item: 0, message: expect.stringMatching(/graded right/) }]);
  });
});

describe("the builder form (multipart, no JavaScript)", () => {
  async function postBuilder(fields: Record<string, string>, file?: { field: string; text: string; name?: string }) {
    const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    let req = instructor.post(`/courses/${courseId}/assignments`).field("_csrf", csrfFrom(form.text));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach(file.field, Buffer.from(file.text), { filename: file.name ?? "data.csv", contentType: "text/csv" });
    return req;
  }

  test("an uploaded CSV of the lecture's points becomes every student's data", async () => {
    const res = await postBuilder({ title: "Uploaded", kind: "homework", item0_exercise: "gaussian-mle" }, { field: "item0_datafile", text: `x\n${LECTURE_POINTS.join("\n")}\n` });
    expect(res.status).toBe(303);
    const id = Number(/\/assignments\/(\d+)/.exec(res.headers.location)![1]);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    expect(JSON.parse(item.data!)).toEqual({ x: LECTURE_POINTS });
    const view = await as(t.app, tok.student3).get(`/api/v1/assignments/${id}`).expect(200);
    expect(view.body.items[0].data).toEqual({ x: LECTURE_POINTS });
    const page = await instructor.get(`/assignments/${id}`).expect(200);
    expect(page.text).toContain("your data");
  });

  test("the edit page adds an exercise on the instructor's data (pasted CSV); a bad one names the new exercise's line", async () => {
    const created = await postBuilder({ title: "To edit", kind: "homework", item0_exercise: "bernoulli-mle" });
    const id = Number(/\/assignments\/(\d+)/.exec(created.headers.location)![1]);
    const edit = await instructor.get(`/assignments/${id}/edit`).expect(200);
    expect(edit.text).toContain('enctype="multipart/form-data"');
    const post = (data: string) =>
      instructor.post(`/assignments/${id}/edit`).field("_csrf", csrfFrom(edit.text)).field("title", "To edit").field("kind", "homework").field("item0_exercise", "gmm-known-labels").field("item0_data", data);
    const before = await counts();
    const bad = await post("x,label\n0,1\n0.5,1\n4,2\n4.5,3\n");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Exercise 2 data: column label: component 2 has only 1 point; each needs at least 2");
    expect(await counts()).toEqual(before);
    expect((await post("x,label\n0,1\n0.5,1\n4,2\n4.5,2\n")).status).toBe(303);
    const items = await t.db.assignmentItem.findMany({ where: { assignmentId: id }, orderBy: { position: "asc" } });
    expect(items.map((i) => i.data && JSON.parse(i.data))).toEqual([null, { x: [[0], [0.5], [4], [4.5]], labels: [0, 0, 1, 1], k: 2 }]);
    expect(JSON.parse(items[1]!.params)).toEqual({ n: 4, d: 1, k: 2 });
  });

  test("the assignment page warns when the given data cannot tell a known mistake from the key", async () => {
    const res = await postBuilder({ title: "Half ones", kind: "homework", item0_exercise: "bernoulli-mle", item0_data: "0,1,1,0,1,0" });
    expect(res.status).toBe(303);
    const page = await instructor.get(res.headers.location).expect(200);
    expect(page.text).toMatch(/class="notice notice-warning given-data-warning"><strong>Exercise 1, your data:<\/strong> On this data a known mistake gives the right/);
  });

  test("pasted CSV works too; pasted JSON for em-iteration", async () => {
    const pasted = await postBuilder({ title: "Pasted", kind: "homework", item0_exercise: "spherical-gaussian-mle", item0_data: "x1;x2\n0;0\n1;0\n0;1\n2;2\n" });
    expect(pasted.status).toBe(303);
    const json = await postBuilder({ title: "EM", kind: "homework", item0_exercise: "em-iteration", item0_data: JSON.stringify({ x: [[0], [0.5], [4], [4.5], [5]], init: { weights: [0.5, 0.5], means: [[0], [4]], variances: [1, 1] } }) });
    expect([json.status, /role="alert">([^<]*)/.exec(json.text)?.[1], /notice-error[^>]*>([^<]*)/.exec(json.text)?.[1]]).toEqual([303, undefined, undefined]);
  });

  test("bad CSV is refused on the page naming line and column, the text is kept, nothing is written", async () => {
    const before = await counts();
    const bad = "x\n1\n2\nabc\n";
    const res = await postBuilder({ title: "Bad CSV", kind: "homework", item0_exercise: "gaussian-mle" }, { field: "item0_datafile", text: bad });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Exercise 1 data (uploaded file): line 4, column x: expected a number, got &quot;abc&quot;");
    expect(res.text).toContain('aria-invalid="true"');
    expect(JSON.stringify(/<textarea id="item0_data"[^>]*>([^<]*)<\/textarea>/.exec(res.text)?.[1])).toBe(JSON.stringify(bad));
    const json = await postBuilder({ title: "Bad JSON", kind: "homework", item0_exercise: "gmm-known-labels", item0_data: '{"x": [[1],[2],[3],[4]], "labels": [0, 0, 1, 5]}' });
    expect(json.status).toBe(400);
    expect(json.text).toContain("Exercise 1 data: labels.3: expected a whole number from 0 to 3, got 5");
    expect(await counts()).toEqual(before);
  });

  test("a file larger than the upload limit answers 413 with a message", async () => {
    const res = await postBuilder({ title: "Huge", kind: "homework", item0_exercise: "gaussian-mle" }, { field: "item0_datafile", text: "1.2345678\n".repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain("The upload is too large");
  });

  test("the quiz builder takes an uploaded CSV per question; a bad one is refused naming the line", async () => {
    const page = await instructor.get(`/courses/${courseId}/quizzes`).expect(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    const post = (file: string) =>
      instructor
        .post(`/courses/${courseId}/quizzes`)
        .field("_csrf", csrfFrom(page.text))
        .field("title", "Lecture quiz (form)")
        .field("secondsPerQuestion", "60")
        .field("data", "shared")
        .field("exercise1", "gaussian-mle")
        .attach("datafile1", Buffer.from(file), { filename: "lecture.csv", contentType: "text/csv" });
    const before = await counts();
    const bad = await post("x\n1\n2\n1e309\n");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("question 1 data: line 4, column x: expected a finite number");
    expect(await counts()).toEqual(before);
    const ok = await post(LECTURE_POINTS.join("\n"));
    expect(ok.status).toBe(303);
    const quizId = Number(/\/quizzes\/(\d+)/.exec(ok.headers.location)![1]);
    const shared = await t.db.variant.findFirstOrThrow({ where: { quizItem: { quizId } } });
    expect(JSON.parse(shared.data)).toEqual({ x: LECTURE_POINTS });
  });
});
