const { postgresUnavailableReason } = require("./test/support/postgres-cluster");

/**
 * Two projects: every suite on SQLite, and the database suites again on PostgreSQL (a throwaway
 * cluster started by test/support/global-setup.ts) when its server binaries are installed.
 */
const POSTGRES_SUITES = ["integration", "security", "reliability", "quiz", "instructor", "ops", "teaching", "browser"];

/** Suites about SQLite itself; each says why it has no PostgreSQL run (shown in the summary). */
const SQLITE_ONLY = {
  "reliability/commit-failure.test.ts": "plants a failing COMMIT on the better-sqlite3 group-commit path (SQLite's deferred foreign keys)",
  "reliability/submission-fast-path.test.ts": "the better-sqlite3 group-commit path and its savepoints",
  "reliability/prisma-path-limit.test.ts": "the better-sqlite3 connection's open-transaction fallback",
  "reliability/prisma-interleaving.test.ts": "the transaction gate of the single-connection SQLite adapter",
  "reliability/direct-reads.test.ts": "reads on the better-sqlite3 connection against Prisma's",
  "reliability/quiz-answer-paths.test.ts": "the better-sqlite3 quiz insert against its Prisma fallback (the fallback is PostgreSQL's path, run by the quiz suites)",
  "ops/backup.test.ts": "`likely backup` is VACUUM INTO (on PostgreSQL it refuses: use pg_dump, tested in ops/users-cli)",
};

/**
 * Chromium suites run on PostgreSQL where the browser takes a path whose storage differs between
 * the databases: a class's live quiz (streams fanned out by LISTEN/NOTIFY, answers on Prisma's
 * path), a phone's double-tap and lost-response retries (idempotency on PostgreSQL's submission
 * SQL) and an exam's clocks (timestamps). The others only render pages from rows that the API and
 * page suites already read and write on PostgreSQL; they stay on SQLite for CI time on two cores
 * (~4 minutes more), and LIKELY_TEST_POSTGRES_ALL=1 runs them on PostgreSQL too (all pass there).
 */
const BROWSER_ON_POSTGRES = ["quiz/quiz-room.test.ts", "browser/phone-submit.test.ts", "browser/practice-timed.test.ts"];
const BROWSER_SUITES = [
  ...require("node:fs").readdirSync(`${__dirname}/test/browser`).filter((f) => f.endsWith(".test.ts")).map((f) => `browser/${f}`),
  "quiz/quiz-browser.test.ts",
  "quiz/quiz-room.test.ts",
  "quiz/quiz-screens.test.ts",
];
const SQLITE_ONLY_FOR_TIME = Object.fromEntries(
  BROWSER_SUITES.filter((f) => !BROWSER_ON_POSTGRES.includes(f)).map((f) => [f, "a Chromium suite rendering pages, SQLite only for CI time (LIKELY_TEST_POSTGRES_ALL=1 runs it on PostgreSQL too)"]),
);
const sqliteOnly = { ...SQLITE_ONLY, ...(process.env.LIKELY_TEST_POSTGRES_ALL === "1" ? {} : SQLITE_ONLY_FOR_TIME) };

const postgresSkipped = postgresUnavailableReason();
process.env.LIKELY_TEST_POSTGRES_PROJECT = postgresSkipped ? "0" : "1";
process.env.LIKELY_TEST_POSTGRES_SKIPPED = postgresSkipped ?? "";
process.env.LIKELY_TEST_SQLITE_ONLY = JSON.stringify(sqliteOnly);

const project = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...project, displayName: "sqlite", testMatch: ["**/*.test.ts"] },
    ...(postgresSkipped
      ? []
      : [
          {
            ...project,
            displayName: "postgres",
            testMatch: POSTGRES_SUITES.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
            testPathIgnorePatterns: ["/node_modules/", ...Object.keys(sqliteOnly).map((f) => `/test/${f.replace(/\./g, "\\.")}$`)],
            setupFiles: ["<rootDir>/test/support/on-postgres.js"],
          },
        ]),
  ],
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  reporters: ["default", "<rootDir>/test/support/database-summary-reporter.js"],
  testTimeout: 30000,
  // Two cores: two workers. Three were no faster (750 s of Jest against 748 s) and starved the
  // timing of the crash suite's negative control.
  maxWorkers: 2,
};
