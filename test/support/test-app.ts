import type { Express } from "express";
import request from "supertest";
import { loadConfig, type Config } from "../../src/config";
import { openDb, type Db } from "../../src/db/client";
import { closeBus } from "../../src/db/notify-bus";
import { closeHub } from "../../src/quiz/event-hub";
import { createApp } from "../../src/web/app";
import { createTestDatabase } from "./test-database";

/** `dbFile`: the SQLite file, undefined on PostgreSQL. */
export type TestApp = { app: Express; db: Db; config: Config; dbFile: string | undefined; close(): Promise<void> };

/**
 * A fresh database (a copy of the migrated SQLite template, or a PostgreSQL clone of it in the
 * `postgres` project) and an app on it, for one suite.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase("suite");
  const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: database.url, ...env });
  const db = await openDb({ url: config.databaseUrl, synchronous: "NORMAL" });
  const app = createApp({ db, config });
  return {
    app,
    db,
    config,
    dbFile: database.file,
    async close() {
      closeHub(db);
      await closeBus(db);
      await db.$disconnect();
      await database.drop();
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
