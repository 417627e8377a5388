import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Express } from "express";
import request from "supertest";
import { loadConfig, type Config } from "../../src/config";
import { openDb, type Db } from "../../src/db/client";
import { closeBus } from "../../src/db/notify-bus";
import { closeHub } from "../../src/quiz/event-hub";
import { createApp } from "../../src/web/app";
import { TEMPLATE_DB, TMP_DIR } from "./paths";

export type TestApp = { app: Express; db: Db; config: Config; dbFile: string; close(): Promise<void> };

/** A fresh SQLite file (copied from the migrated template) and an app on it, for one suite. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dbFile = path.join(TMP_DIR, `suite-${process.pid}-${crypto.randomBytes(4).toString("hex")}.db`);
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: `file:${dbFile}`, ...env });
  const db = await openDb({ url: config.databaseUrl, synchronous: "NORMAL" });
  const app = createApp({ db, config });
  return {
    app,
    db,
    config,
    dbFile,
    async close() {
      closeHub(db);
      await closeBus(db);
      await db.$disconnect();
      for (const f of [dbFile, dbFile + "-wal", dbFile + "-shm"]) fs.rmSync(f, { force: true });
    },
  };
}

/** The CSRF token in a page's form (`<input name="_csrf" value="...">`). */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no CSRF token in page");
  return m[1]!;
}

/** A signed-in browser-like agent (cookies kept) for page tests. */
export async function signInAgent(app: Express, email: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get("/signin").expect(200);
  const res = await agent
    .post("/signin")
    .type("form")
    .send({ email, password, _csrf: csrfFrom(page.text) });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}`);
  return agent;
}

/** A bearer token from the API. */
export async function tokenFor(app: Express, email: string, password: string): Promise<string> {
  const res = await request(app).post("/api/v1/tokens").send({ email, password });
  if (res.status !== 201) throw new Error(`token request failed with ${res.status}: ${res.text}`);
  return res.body.token as string;
}
