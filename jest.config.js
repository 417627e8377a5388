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
 * Left out of the PostgreSQL run for time only (CI on two cores); LIKELY_TEST_POSTGRES_ALL=1 runs
 * them there too. The axe audit is the longest suite (~2 min) and audits HTML that is the same
 * whichever database the rows came from; every other Chromium suite runs on both.
 */
const SQLITE_ONLY_FOR_TIME = {
  "browser/accessibility.test.ts": "axe audits the same HTML on both databases, ~2 min (LIKELY_TEST_POSTGRES_ALL=1 runs it on PostgreSQL too)",
};
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
  // Three workers on two cores: the suites wait much of their time on the servers, browsers and
  // PostgreSQL they start (with two, CI used 64% of the cores: 18.4 CPU-minutes in 14.4 minutes).
  maxWorkers: 3,
};
