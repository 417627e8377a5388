/**
 * 300 students launching Likely from an LMS and submitting within a minute, against the fake LMS
 * (bench/lib/fake-lms.ts): every score must reach the LMS and the outbox must drain. Prints the
 * time to drain next to the number of token requests (one cached token per platform, not one per
 * score).
 *
 * Build and run (from the repository root):
 *   npx tsc -p tsconfig.json && node dist/bench/lti-load.js [--students 300] [--seconds 50]
 *
 * The real server runs as a child process (node dist/src/server.js, NODE_ENV=production) on a
 * fresh database; the platform is registered with the real CLI (node bin/likely.js lti
 * add-platform); the instructor deep-links one assignment; each student then makes the whole
 * browser round trip (OIDC login, the LMS's authorization, the launch, the assignment and
 * exercise pages) and submits through the page form, at evenly spread start times.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { projectRoot } from "../src/paths";
import { FakeLms, type LmsUser } from "./lib/fake-lms";
import { Browserish, formFields, launchThrough } from "./lib/lti-client";
import { startServerProcess } from "./lib/server-process";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";

async function main(): Promise<void> {
  const students = arg("students", 300);
  const spreadS = arg("seconds", 50);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "likely-lti-bench-"));
  const dbFile = path.join(dir, "likely.db");
  const port = await freePort();
  const env = { PORT: String(port), DATABASE_URL: `file:${dbFile}`, NODE_ENV: "production", SESSION_SECRET: crypto.randomBytes(24).toString("hex"), LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" };
  const tool = `http://localhost:${port}`;
  const server = await startServerProcess({ env });
  const fake = await new FakeLms().start();
  fake.useTool(tool);
  try {
    execFileSync(process.execPath, [path.join(projectRoot, "bin", "likely.js"), "lti", "add-platform", "--issuer", fake.issuer, "--client-id", fake.clientId, "--auth-url", fake.authUrl, "--token-url", fake.tokenUrl, "--jwks-url", fake.jwksUrl, "--deployment-id", fake.deploymentId], { env: { ...process.env, ...env }, encoding: "utf8" });

    // The instructor deep-links the first assignment.
    const teacher = new Browserish();
    const dl = await launchThrough(teacher, fake, tool, { user: { sub: "teacher", name: "Teacher", roles: [INSTRUCTOR] }, message: "LtiDeepLinkingRequest" });
    const picker = await teacher.follow(new URL(dl.res.headers.get("location")!, tool).toString());
    const pickerHtml = await picker.res.text();
    const firstId = /name="assignment" value="(\d+)"/.exec(pickerHtml)![1]!;
    const picked = await teacher.fetch(`${tool}/lti/deep-link`, { form: { ...formFields(pickerHtml, 'name="ctx"').fields, assignment: firstId } });
    const back = formFields(await picked.text(), 'id="lti-autopost"');
    await teacher.fetch(back.action, { form: back.fields });
    const item = fake.deepLinkReturns[0]!.items[0]!;
    const lineItem = fake.lineItems[0]!;

    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const keyOf = db.prepare("SELECT v.key FROM Variant v JOIN LtiUser u ON u.userId = v.userId WHERE u.sub = ? AND v.itemId = ?");
    const acks: number[] = [];
    const failures: string[] = [];
    const started = Date.now();

    const steps: Record<string, number[]> = { launch: [], "assignment page": [], "exercise page": [], submission: [] };
    const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        steps[step]!.push(performance.now() - t0);
      }
    };

    async function student(i: number): Promise<void> {
      const user: LmsUser = { sub: `bench-student-${i}`, name: `Student ${i}`, email: `s${i}@lms.example`, roles: [LEARNER] };
      const b = new Browserish();
      const { res } = await timed("launch", () => launchThrough(b, fake, tool, fake.resourceLaunch(user, lineItem, item)));
      const landed = await timed("assignment page", () => b.follow(new URL(res.headers.get("location")!, tool).toString()));
      const itemPath = /href="(\/assignments\/\d+\/items\/\d+)"/.exec(await landed.res.text())?.[1];
      if (!itemPath) throw new Error(`student ${i} did not land on the assignment (${landed.res.status} ${landed.url})`);
      const page = await timed("exercise page", async () => (await b.fetch(tool + itemPath)).text());
      const fields = formFields(page, 'name="idempotencyKey"').fields;
      const parts = [...page.matchAll(/name="part_([A-Za-z0-9_]+)"/g)].map((m) => m[1]!);
      const key = JSON.parse((keyOf.get(user.sub, Number(itemPath.split("/").at(-1))) as { key: string }).key) as Record<string, unknown>;
      const form: Record<string, string> = { _csrf: fields._csrf!, idempotencyKey: fields.idempotencyKey! };
      // Half the class answers correctly, half not: scores 1 and 0 both travel.
      for (const p of parts) form[`part_${p}`] = i % 2 === 0 ? (Array.isArray(key[p]) ? JSON.stringify(key[p]) : String(key[p])) : Array.isArray(key[p]) ? JSON.stringify((key[p] as unknown[]).map(() => 7)) : "7777";
      const sub = await timed("submission", () => b.fetch(tool + itemPath, { form }));
      if (sub.status !== 303) throw new Error(`student ${i}: submission answered ${sub.status}`);
      acks.push(Date.now());
    }

    await Promise.all(
      Array.from({ length: students }, (_v, i) =>
        new Promise<void>((resolve) => setTimeout(resolve, (i * spreadS * 1000) / students)).then(() => student(i).catch((err: Error) => void failures.push(err.message))),
      ),
    );
    const lastAck = Math.max(...acks);
    const deadline = Date.now() + 120_000;
    while (new Set(fake.scores.map((s) => s.body.userId)).size < acks.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lastScore = Math.max(...fake.scores.map((s) => s.at));
    let pending = -1;
    for (let i = 0; i < 100 && pending !== 0; i++) {
      pending = (db.prepare("SELECT COUNT(*) AS n FROM LtiScoreOutbox WHERE status <> 'sent'").get() as { n: number }).n;
      if (pending !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    const delivered = new Set(fake.scores.map((s) => s.body.userId)).size;
    db.close();
    console.log(`LTI load: ${students} students launching and submitting over ${spreadS} s (real server, fake LMS on another origin)`);
    console.log(`  submissions acknowledged   ${acks.length}/${students} (${failures.length} failures${failures.length ? ": " + failures.slice(0, 3).join("; ") : ""}), all within ${((lastAck - started) / 1000).toFixed(1)} s`);
    console.log(`  scores delivered to the LMS ${delivered}/${acks.length}; outbox rows not sent: ${pending}`);
    console.log(`  time to drain after the last submission: ${lastScore - lastAck} ms`);
    console.log(`  token requests: ${fake.tokenRequests} (score posts: ${fake.scores.length}); LMS-side problems: ${fake.problems.length}`);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`  median per step (ms): ${Object.entries(steps).map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(", ")}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
    if (failures.length || delivered !== acks.length || pending !== 0 || fake.problems.length) process.exitCode = 1;
  } finally {
    await server.kill("SIGTERM");
    await fake.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
