/** `likely users add|list|set-role` as an operator runs them, on a real SQLite file (or PostgreSQL database in the `postgres` project). */
import request from "supertest";
import { verifyPassword } from "../../src/auth/passwords";
import { loadConfig } from "../../src/config";
import { openDb } from "../../src/db/client";
import { closeHub } from "../../src/quiz/event-hub";
import { createApp } from "../../src/web/app";
import { createTestDatabase, onPostgres, type TestDatabase } from "../support/test-database";
import { signInAgent } from "../support/test-app";
import { buildDist, likely } from "./cli-run";

jest.setTimeout(120_000);

// A fresh, empty database, not the template: the first command must migrate it itself.
let database: TestDatabase;
const env = { DATABASE_URL: "" };

beforeAll(async () => {
  buildDist();
  database = await createTestDatabase("users_cli", { empty: true });
  env.DATABASE_URL = database.url;
}, 120_000);
afterAll(() => database?.drop());

test("users add creates the first admin on an empty database and prints the generated password once", async () => {
  const r = likely(["users", "add", "--email", "Root@Example.EDU", "--name", "Rita Root", "--role", "admin"], env);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out)).toEqual(["id", "email", "role", "password"]);
  expect(out).toMatchObject({ email: "root@example.edu", role: "admin" });
  expect(out.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

  const db = await openDb({ url: env.DATABASE_URL, synchronous: "NORMAL" });
  try {
    const row = await db.user.findUniqueOrThrow({ where: { email: "root@example.edu" } });
    expect(row.passwordHash).not.toContain(out.password);
    expect(await verifyPassword(row.passwordHash, out.password)).toBe(true);
    // The account can sign in to a server on that file and lands on the admin area.
    const app = createApp({ db, config: loadConfig({ NODE_ENV: "test", DATABASE_URL: env.DATABASE_URL }) });
    const agent = await signInAgent(app, "root@example.edu", out.password);
    const admin = await agent.get("/admin").expect(200);
    expect(admin.text).toContain("Accounts");
    expect((await request(app).get("/admin")).status).toBe(303);
  } finally {
    closeHub(db);
    await db.$disconnect();
  }
});

test("users add --password-stdin takes the password from standard input", async () => {
  const r = likely(["users", "add", "--email", "ida@example.edu", "--name", "Ida Instructor", "--role", "instructor", "--password-stdin"], env, "correct horse battery\n");
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ email: "ida@example.edu", role: "instructor", password: "correct horse battery" });
  const db = await openDb({ url: env.DATABASE_URL, synchronous: "NORMAL" });
  try {
    const row = await db.user.findUniqueOrThrow({ where: { email: "ida@example.edu" } });
    expect(await verifyPassword(row.passwordHash, "correct horse battery")).toBe(true);
  } finally {
    await db.$disconnect();
  }
});

test("users list shows every account with its role, as a table and as JSON", () => {
  const table = likely(["users", "list"], env);
  expect(table.status).toBe(0);
  expect(table.stdout).toMatch(/^ID\s+EMAIL\s+ROLE\s+NAME$/m);
  expect(table.stdout).toMatch(/ida@example\.edu\s+instructor\s+Ida Instructor/);
  expect(table.stdout).toMatch(/root@example\.edu\s+admin\s+Rita Root/);
  const json = JSON.parse(likely(["users", "list", "--json"], env).stdout) as { email: string; role: string }[];
  expect(json.map((u) => [u.email, u.role])).toEqual([["ida@example.edu", "instructor"], ["root@example.edu", "admin"]]);
  const admins = JSON.parse(likely(["users", "list", "--role", "admin", "--json"], env).stdout) as { email: string }[];
  expect(admins.map((u) => u.email)).toEqual(["root@example.edu"]);
});

test("users set-role changes the role and prints the account", () => {
  const r = likely(["users", "set-role", "IDA@example.edu", "student"], env);
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ email: "ida@example.edu", role: "student" });
  expect(likely(["users", "list", "--role", "student"], env).stdout).toContain("ida@example.edu");
});

test.each([
  [["users", "add", "--name", "No Email", "--role", "instructor"], /^likely users: --email is required/],
  [["users", "add", "--email", "not-an-email", "--name", "X", "--role", "instructor"], /^likely users: --email: expected an email address/],
  [["users", "add", "--email", "x@example.edu", "--name", "X", "--role", "superuser"], /^likely users: --role: expected one of admin, instructor, student, got "superuser"/],
  [["users", "add", "--email", "ida@example.edu", "--name", "Again", "--role", "instructor"], /^likely users: --email: an account with ida@example\.edu exists already/],
  [["users", "set-role", "nobody@example.edu", "admin"], /^likely users: EMAIL: no account with nobody@example\.edu/],
  [["users", "set-role", "ida@example.edu", "owner"], /^likely users: ROLE: expected one of admin, instructor, student/],
  [["users", "frobnicate"], /^likely users: unknown subcommand "frobnicate"/],
])("bad input %j exits 2 with one line naming the field", (args, message) => {
  const r = likely(args, env);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test("a short password on standard input is refused, naming standard input", () => {
  const r = likely(["users", "add", "--email", "short@example.edu", "--name", "S", "--role", "student", "--password-stdin"], env, "abc\n");
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toMatch(/^likely users: standard input \(password\): at least 8 characters$/);
});

(onPostgres ? test : test.skip)("on PostgreSQL, `likely backup` says to use pg_dump and exits 2", () => {
  const r = likely(["backup", "copy.db"], env);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim()).toMatch(/^likely backup: DATABASE_URL is a PostgreSQL database: back it up with pg_dump .*restore with pg_restore$/);
});
