// Ends `npm test` with a line saying whether the PostgreSQL runs happened, and which suites have none.
"use strict";
class DatabaseSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = process.env.LIKELY_TEST_POSTGRES_SKIPPED;
    const sqliteOnly = JSON.parse(process.env.LIKELY_TEST_SQLITE_ONLY || "{}");
    const lines = [];
    if (skipped) {
      lines.push(`PostgreSQL runs: SKIPPED (${skipped}); every suite ran on SQLite only.`);
    } else {
      const pg = results.testResults.filter((r) => r.displayName && r.displayName.name === "postgres");
      const failed = pg.filter((r) => r.numFailingTests > 0 || r.testExecError).length;
      lines.push(`PostgreSQL runs: ${pg.length} suites on PostgreSQL (${failed} failed), a throwaway cluster started by the tests.`);
      const names = Object.entries(sqliteOnly);
      if (names.length) lines.push(`SQLite-only suites (${names.length}): ${names.map(([f, why]) => `${f} (${why})`).join("; ")}`);
    }
    process.stdout.write("\n" + lines.join("\n") + "\n");
  }
}
module.exports = DatabaseSummaryReporter;
