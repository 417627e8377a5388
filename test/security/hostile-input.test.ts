/**
 * Hostile input: random answers for every answer field of every exercise, random JSON bodies for
 * every POST endpoint, oversized bodies, wrong content types, prototype-pollution keys, and HTML in
 * names and answers. Only clear 4xx errors, never a 5xx, nothing written by a refused request,
 * and markup escaped everywhere. The long form (10,000+ inputs per answer field) is
 * `node dist/bench/fuzz/hostile-inputs.js`.
 */
import fc from "fast-check";
import request from "supertest";
import { createVariant, listExercises } from "../../exercises";
import { answerInputs, rowCounts } from "../../bench/fuzz/inputs";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";
import { gradeVariant } from "../../exercises";

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

let t: TestApp;
let tok: Tokens;
let courseId: number;
let assignmentId: number;
let variantId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Hostile", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201);
  assignmentId = created.body.id;
  variantId = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0].variantId;
});
afterAll(() => t.close());

describe("every answer field of every exercise", () => {
  for (const info of listExercises()) {
    test(`${info.slug}: ${RUNS} random inputs per part never throw, and unreadable ones are explained`, () => {
      const variant = createVariant(info.slug, 7);
      const parts = info.parts.map((p) => p.name);
      for (const part of parts) {
        fc.assert(
          fc.property(answerInputs(), (input) => {
            const raw = Object.fromEntries(parts.map((p) => [p, p === part ? input : "0"]));
            const graded = gradeVariant(variant, raw);
            if (!graded.ok) {
              for (const message of Object.values(graded.errors)) expect(message.length).toBeGreaterThan(5);
            } else {
              expect(graded.score).toBeGreaterThanOrEqual(0);
              expect(graded.score).toBeLessThanOrEqual(1);
            }
          }),
          { numRuns: RUNS },
        );
      }
    });
  }
});

describe("random request bodies", () => {
  const endpoints = () => [
    { path: "/api/v1/tokens", token: undefined },
    { path: `/api/v1/variants/${variantId}/submissions`, token: tok.student1 },
    { path: `/api/v1/courses/${courseId}/assignments`, token: tok.instructor },
    { path: `/api/v1/courses/${courseId}/students`, token: tok.instructor },
    { path: `/api/v1/courses/${courseId}/quizzes`, token: tok.instructor },
    { path: `/api/v1/quiz-join`, token: tok.student1 },
  ];

  test("only 4xx, and a refused request writes nothing", async () => {
    const before = await rowCounts(t.db);
    const statuses = new Map<number, number>();
    for (const { path, token } of endpoints()) {
      const bodies = fc.sample(fc.oneof(fc.jsonValue(), fc.object(), fc.dictionary(fc.constantFrom("answers", "title", "items", "students", "code", "email", "password", "__proto__", "constructor"), fc.jsonValue())), 60);
      for (const body of bodies) {
        const req = request(t.app).post(path).set("Content-Type", "application/json");
        if (token) req.set("Authorization", `Bearer ${token}`);
        const res = await req.send(JSON.stringify(body));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(typeof res.body.error).toBe("string");
      }
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    // Random bodies are refused (or, once in a while, a valid join code guess fails): nothing new stored.
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test("oversized bodies and wrong content types are clear 4xx errors", async () => {
    const big = JSON.stringify({ answers: { mean: "1".repeat(2_000_000) } });
    const tooBig = await request(t.app).post(`/api/v1/variants/${variantId}/submissions`).set("Authorization", `Bearer ${tok.student1}`).set("Content-Type", "application/json").send(big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatch(/too large/);

    const text = await request(t.app).post(`/api/v1/variants/${variantId}/submissions`).set("Authorization", `Bearer ${tok.student1}`).set("Content-Type", "text/plain").send("mean=1");
    expect(text.status).toBe(400);
    expect(text.body.error).toMatch(/Content-Type: application\/json/);

    // (not /tokens: the random bodies above already used up its failed-sign-in allowance, as they should)
    const xml = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set("Authorization", `Bearer ${tok.instructor}`).set("Content-Type", "application/xml").send("<a/>");
    expect(xml.status).toBe(400);

    const form = await request(t.app).post("/signin").type("form").send("a=" + "x".repeat(300_000));
    expect(form.status).toBe(413);
    expect(form.text).not.toMatch(/\n\s+at /);

    const badCharset = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set("Authorization", `Bearer ${tok.instructor}`).set("Content-Type", "application/json; charset=klingon").send("{}");
    expect(badCharset.status).toBe(415);
  });

  test("prototype-pollution keys pollute nothing", async () => {
    const bodies = [
      '{"answers":{"__proto__":{"polluted":1},"mean":"1","variance":"1"}}',
      '{"answers":{"constructor":{"prototype":{"polluted":1}},"mean":"1","variance":"1"}}',
      '{"__proto__":{"polluted":1},"answers":{"mean":"1","variance":"1"}}',
    ];
    for (const b of bodies) {
      const res = await request(t.app).post(`/api/v1/variants/${variantId}/submissions`).set("Authorization", `Bearer ${tok.student1}`).set("Content-Type", "application/json").send(b);
      expect(res.status).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});

describe("markup in names and answers is escaped everywhere", () => {
  const evilName = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

  test("names in the roster, instructor pages, gradebook and its CSV; answers as typed", async () => {
    await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/students`, { students: [{ email: "evil@example.edu", name: evilName, password: "password-evil" }] }).expect(201);
    const evil = await signInAgent(t.app, "evil@example.edu", "password-evil");
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId } });
    const page = await evil.get(`/assignments/${assignmentId}/items/${item.id}`).expect(200);
    expect(page.text).not.toContain("<script>alert");
    expect(page.text).toContain("&lt;script&gt;alert");

    // An answer with markup is unreadable: explained, echoed escaped, not stored.
    const res = await evil.post(`/assignments/${assignmentId}/items/${item.id}`).type("form").send({ _csrf: csrfFrom(page.text), part_mean: `<img src=x onerror=alert(2)>`, part_variance: "1" });
    expect(res.status).toBe(422);
    expect(res.text).not.toContain("<img src=x onerror=alert(2)>");
    expect(res.text).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;");

    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const evilUser = await t.db.user.findUniqueOrThrow({ where: { email: "evil@example.edu" } });
    for (const path of [`/courses/${courseId}/students`, `/courses/${courseId}/gradebook`, `/courses/${courseId}/students/${evilUser.id}`, `/assignments/${assignmentId}`]) {
      const html = (await instructor.get(path).expect(200)).text;
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
    }
    const csv = await instructor.get(`/courses/${courseId}/gradebook.csv`).expect(200);
    expect(csv.text).toContain(evilName.replace(/"/g, '""')); // CSV is data, quoted; a spreadsheet shows it as text
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.headers["x-content-type-options"]).toBe("nosniff");
  });
});
