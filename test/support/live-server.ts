import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../../src/config";
import { start, type Running } from "../../src/server";
import { TEMPLATE_DB, TMP_DIR } from "./paths";

export const TEST_PASSWORD = "demo-password-123";

/**
 * The real server (migrations, demo data, listen) on a free port and a fresh database file,
 * for browser tests and load tests that need real HTTP.
 */
export async function startLiveServer(env: Record<string, string> = {}): Promise<Running & { dbFile: string }> {
  const dbFile = path.join(TMP_DIR, `suite-live-${process.pid}-${crypto.randomBytes(4).toString("hex")}.db`);
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: `file:${dbFile}`,
    LIKELY_DEMO_PASSWORD: TEST_PASSWORD,
    LIKELY_DEMO: "1",
    ...env,
  });
  const running = await start(config, () => {});
  return {
    ...running,
    dbFile,
    async close() {
      await running.close();
      for (const f of [dbFile, dbFile + "-wal", dbFile + "-shm"]) fs.rmSync(f, { force: true });
    },
  };
}
