/**
 * Long form of the hostile-input tests: 10,000+ random inputs for every answer field of every
 * exercise (graded in process), then random bodies for every JSON POST endpoint of a real server
 * over HTTP. Prints inputs tried, exceptions, 5xx responses and rows written by refused requests.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/fuzz/hostile-inputs.js [--per-field 10000] [--per-endpoint 2000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { createVariant, gradeVariant, listExercises } from "../../exercises";
import { loadConfig } from "../../src/config";
import { start } from "../../src/server";
import { answerInputs, rowCounts } from "./inputs";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const perField = arg("--per-field", 10_000);
  const perEndpoint = arg("--per-endpoint", 2_000);

  let fieldInputs = 0;
  let exceptions = 0;
  let fields = 0;
  const t0 = Date.now();
  for (const info of listExercises()) {
    const variant = createVariant(info.slug, 11);
    const parts = info.parts.map((p) => p.name);
    for (const part of parts) {
      fields++;
      for (const input of fc.sample(answerInputs(), { numRuns: perField, seed: fields })) {
        fieldInputs++;
        try {
          gradeVariant(variant, Object.fromEntries(parts.map((p) => [p, p === part ? input : "0"])));
        } catch (err) {
          exceptions++;
          if (exceptions <= 5) console.error(`${info.slug}.${part}: ${String(err)} for ${JSON.stringify(input)?.slice(0, 80)}`);
        }
      }
    }
  }
  console.log(`answer fields: ${fields}, inputs tried: ${fieldInputs} (${perField} per field), exceptions: ${exceptions}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "likely-fuzz-"));
  const password = "fuzz-password-123";
  const running = await start(
    loadConfig({ NODE_ENV: "test", PORT: "0", DATABASE_URL: `file:${path.join(dir, "fuzz.db")}`, LIKELY_DEMO_PASSWORD: password, LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" }),
    () => {},
  );
  const post = (p: string, body: string, token?: string) =>
    fetch(running.url + p, { method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body });
  const token = async (email: string) => ((await (await post("/api/v1/tokens", JSON.stringify({ email, password }))).json()) as { token: string }).token;
  const instructor = await token("instructor@example.edu");
  const student = await token("student1@example.edu");
  const assignment = (await (await fetch(`${running.url}/api/v1/courses/1/assignments`, { headers: { Authorization: `Bearer ${student}` } })).json()) as { id: number }[];
  const view = (await (await fetch(`${running.url}/api/v1/assignments/${assignment[0]!.id}`, { headers: { Authorization: `Bearer ${student}` } })).json()) as { items: { variantId: number }[] };
  const endpoints = [
    { path: "/api/v1/tokens" },
    { path: `/api/v1/variants/${view.items[0]!.variantId}/submissions`, token: student },
    { path: "/api/v1/courses/1/assignments", token: instructor },
    { path: "/api/v1/courses/1/students", token: instructor },
    { path: "/api/v1/courses/1/quizzes", token: instructor },
    { path: "/api/v1/quiz-join", token: student },
  ];
  const before = await rowCounts(running.db);
  let requests = 0;
  let server5xx = 0;
  const statuses: Record<number, number> = {};
  for (const [i, e] of endpoints.entries()) {
    const bodies = fc.sample(fc.oneof(fc.jsonValue(), fc.object(), fc.dictionary(fc.constantFrom("answers", "title", "items", "students", "code", "email", "password", "__proto__"), fc.jsonValue())), { numRuns: perEndpoint, seed: 100 + i });
    for (const b of bodies) {
      const res = await post(e.path, JSON.stringify(b) ?? "null", e.token);
      await res.arrayBuffer();
      requests++;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status >= 500) server5xx++;
    }
  }
  const after = await rowCounts(running.db);
  const written = Object.keys(before).filter((k) => before[k] !== after[k]);
  console.log(`request bodies: ${requests} over ${endpoints.length} endpoints, 5xx: ${server5xx}, statuses: ${JSON.stringify(statuses)}, tables written by refused requests: ${written.length ? written.join(", ") : "none"}`);
  await running.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exitCode = exceptions === 0 && server5xx === 0 && written.length === 0 ? 0 : 1;
}

void main();
