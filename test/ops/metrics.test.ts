/** GET /metrics scraped over real HTTP and parsed: access, request histogram, counters, gauges. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { setOutboxCollector } from "../../src/ops/metrics";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";
import { parsePrometheus, valueOf, type Sample } from "./prometheus-text";

const TOKEN = "scrape-token-0123456789abcdef";
let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_METRICS_TOKEN: TOKEN, LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  courseId = (await twoCourses(t.db)).courseId;
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

async function scrape(): Promise<Sample[]> {
  const res = await request(t.app).get("/metrics").set("Authorization", `Bearer ${TOKEN}`).expect(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.text);
}

const count = (s: Sample[], method: string, route: string, status: string) => valueOf(s, "likely_http_request_duration_seconds_count", { method, route, status });

test("/metrics is a 404 like any unknown path without the configured bearer token, or when none is configured", async () => {
  const unknown = await request(t.app).get("/no-such-path").set("Accept", "text/html");
  for (const auth of [undefined, "Bearer wrong-token-0123456789abcdef", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN]) {
    const req = request(t.app).get("/metrics").set("Accept", "text/html");
    if (auth) req.set("Authorization", auth);
    const res = await req;
    expect([auth, res.status]).toEqual([auth, 404]);
    expect(res.text).toBe(unknown.text);
  }
  const off = await createTestApp({});
  try {
    const res = await request(off.app).get("/metrics").set("Authorization", `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("likely_");
  } finally {
    await off.close();
  }
});

test("the request histogram counts the requests made, by route template and status", async () => {
  const before = await scrape();
  const view = await as(t.app, tok.student1).get(`/api/v1/courses/${courseId}/assignments`).expect(200);
  const assignment = await as(t.app, tok.student1).get(`/api/v1/assignments/${view.body[0].id}`).expect(200);
  const variantId = assignment.body.items[0].variantId as number;
  for (let i = 0; i < 7; i++) await request(t.app).get("/healthz").expect(200);
  for (let i = 0; i < 3; i++) await as(t.app, tok.student1).post(`/api/v1/variants/${variantId}/submissions`, { answers: { x: 0 } });
  await as(t.app, tok.student1).get("/api/v1/assignments/99999999").expect(404);
  await as(t.app, tok.student1).get("/api/v1/assignments/99999998").expect(404);
  await request(t.app).get("/static/css/likely.css").expect(200);
  const after = await scrape();

  expect(count(after, "GET", "/healthz", "200") - count(before, "GET", "/healthz", "200")).toBe(7);
  expect(count(after, "GET", "/api/v1/assignments/:id", "200") - count(before, "GET", "/api/v1/assignments/:id", "200")).toBe(1);
  expect(count(after, "GET", "/api/v1/assignments/:id", "404") - count(before, "GET", "/api/v1/assignments/:id", "404")).toBe(2);
  const submitted = ["201", "422"].map((st) => count(after, "POST", "/api/v1/variants/:id/submissions", st) - count(before, "POST", "/api/v1/variants/:id/submissions", st));
  expect(submitted[0]! + submitted[1]!).toBe(3);
  expect(count(after, "GET", "/static/*", "200") - count(before, "GET", "/static/*", "200")).toBe(1);
  // The previous scrape itself is counted too, and the +Inf bucket equals the count.
  expect(count(after, "GET", "/metrics", "200") - count(before, "GET", "/metrics", "200")).toBe(1);
  expect(valueOf(after, "likely_http_request_duration_seconds_bucket", { method: "GET", route: "/healthz", status: "200", le: "+Inf" })).toBe(count(after, "GET", "/healthz", "200"));
  expect(valueOf(after, "likely_http_request_duration_seconds_sum", { method: "GET", route: "/healthz", status: "200" })).toBeGreaterThan(0);
  // Route labels are templates: no id ever becomes a label value.
  const routes = new Set(after.filter((s) => s.name === "likely_http_request_duration_seconds_count").map((s) => s.labels.route!));
  expect([...routes].filter((r) => /\/\d/.test(r))).toEqual([]);
});

test("graded submissions and quiz answers are counted once each; SSE clients are a gauge", async () => {
  const before = await scrape();
  let latest = before;
  const graded = () => ["correct", "partly", "wrong"].reduce((n, result) => n + valueOf(latest, "likely_graded_submissions_total", { result }), 0);
  const gradedBefore = graded();

  const created = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Metrics", kind: "homework", maxAttempts: 10, items: [{ exercise: "bernoulli-mle" }] }).expect(201);
  const item = (await as(t.app, tok.student2).get(`/api/v1/assignments/${created.body.id}`).expect(200)).body.items[0];
  await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { theta: 0.5 }, idempotencyKey: "metrics-1" }).expect(201);
  await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { theta: 0.5 }, idempotencyKey: "metrics-1" }).expect(200); // a retry: answered from the first, not graded again
  await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { theta: 0.25 } }).expect(201);
  await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { theta: "abc" } }).expect(422); // unreadable: not graded

  const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Metrics quiz", items: [{ exercise: "bernoulli-mle" }], secondsPerQuestion: 600 }).expect(201);
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/start`).expect(200)).body;
  await as(t.app, tok.student3).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/next`).expect(200);

  const server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  try {
    const stream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port, path: `/api/v1/quizzes/${quiz.body.id}/events`, headers: { Authorization: `Bearer ${tok.student3}` } }, resolve).on("error", reject);
    });
    expect(stream.statusCode).toBe(200);
    latest = await scrape();
    expect(valueOf(latest, "likely_sse_clients") - valueOf(before, "likely_sse_clients")).toBe(1);
    await as(t.app, tok.student3).post(`/api/v1/quizzes/${quiz.body.id}/answers`, { index: 0, answers: { theta: 0.5 } }).expect(201);
    await as(t.app, tok.student3).post(`/api/v1/quizzes/${quiz.body.id}/answers`, { index: 0, answers: { theta: 0.5 } }).expect(201); // the same answer again: acknowledged, not stored twice
    stream.destroy();
    for (let i = 0; i < 50 && valueOf(await scrape(), "likely_sse_clients") !== valueOf(before, "likely_sse_clients"); i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  latest = await scrape();
  expect(graded() - gradedBefore).toBe(2);
  expect(valueOf(latest, "likely_quiz_answers_total") - valueOf(before, "likely_quiz_answers_total")).toBe(1);
  expect(valueOf(latest, "likely_sse_clients")).toBe(valueOf(before, "likely_sse_clients"));
});

test("the outbox gauges read 0 until the outbox registers its collector, then what it reports", async () => {
  let s = await scrape();
  expect([valueOf(s, "likely_outbox_pending"), valueOf(s, "likely_outbox_failed"), valueOf(s, "likely_outbox_collector_registered")]).toEqual([0, 0, 0]);
  let calls = 0;
  const unregister = setOutboxCollector(async () => {
    calls++;
    return { pending: 4, failed: 1 };
  });
  try {
    s = await scrape();
    expect([valueOf(s, "likely_outbox_pending"), valueOf(s, "likely_outbox_failed"), valueOf(s, "likely_outbox_collector_registered")]).toEqual([4, 1, 1]);
    expect(calls).toBe(1); // one call per scrape feeds both gauges
  } finally {
    unregister();
  }
  expect(valueOf(await scrape(), "likely_outbox_collector_registered")).toBe(0);
});

test("process metrics and event-loop lag are exported", async () => {
  const s = await scrape();
  for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_eventloop_lag_p99_seconds", "nodejs_heap_size_used_bytes", "likely_backup_last_success_timestamp_seconds"]) {
    expect([name, s.some((x) => x.name === name)]).toEqual([name, true]);
  }
});
