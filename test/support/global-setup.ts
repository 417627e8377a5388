import fs from "node:fs";
import path from "node:path";
import { migrateDeploy } from "../../src/db/migrate";
import { ROOT } from "./paths";

/**
 * Runs once before all suites: a scratch folder for this run (workers inherit its path) holding
 * one migrated template database that each suite copies instead of migrating again.
 */
export default async function globalSetup(): Promise<void> {
  const base = path.join(ROOT, ".tmp");
  fs.mkdirSync(base, { recursive: true });
  for (const f of fs.readdirSync(base)) {
    const p = path.join(base, f);
    if (f.startsWith("run-") && Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(base, "run-"));
  process.env.LIKELY_TEST_TMP = dir;
  await migrateDeploy(`file:${path.join(dir, "template.db")}`);
}
