import { loadConfig } from "../../src/config";
import { start, type Running } from "../../src/server";
import { createTestDatabase } from "./test-database";

export const TEST_PASSWORD = "demo-password-123";

/**
 * The real server (migrations, demo data, listen) on a free port and a fresh database file,
 * for browser tests and load tests that need real HTTP (a PostgreSQL database in the `postgres` project).
 */
export async function startLiveServer(env: Record<string, string> = {}): Promise<Running & { databaseUrl: string }> {
  const database = await createTestDatabase("live");
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: database.url,
    LIKELY_DEMO_PASSWORD: TEST_PASSWORD,
    LIKELY_DEMO: "1",
    ...env,
  });
  const running = await start(config, () => {});
  return {
    ...running,
    databaseUrl: database.url,
    async close() {
      await running.close();
      await database.drop();
    },
  };
}
