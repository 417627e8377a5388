import type { Server } from "node:http";
import { ConfigError, loadConfig, type Config } from "./config";
import { openDb, type Db } from "./db/client";
import { migrateDeploy } from "./db/migrate";
import { deleteExpiredSessions } from "./db/sessions";
import { startBackupSchedule } from "./ops/backup-schedule";
import { createLogger } from "./ops/logger";
import { createDemoData, DEMO_INSTRUCTOR, DEMO_STUDENTS } from "./seed/demo";
import { closeHub } from "./quiz/event-hub";
import { closeBus } from "./db/notify-bus";
import { createApp } from "./web/app";
import { startScoreWorker } from "./outbox/score-worker";

export type Running = { server: Server; db: Db; config: Config; url: string; close(): Promise<void> };

/** Migrates, seeds demo data on an empty database when allowed, and listens. */
export async function start(config: Config, log: (line: string) => void = console.log): Promise<Running> {
  await migrateDeploy(config.databaseUrl);
  const db = await openDb({ url: config.databaseUrl, synchronous: config.sqliteSynchronous });
  if (config.demo) {
    const demo = await createDemoData(db, config.demoPassword);
    if (demo.created) {
      log(`Demo course ML101 created. Sign in as ${DEMO_INSTRUCTOR} or ${DEMO_STUDENTS.join(", ")}`);
      log(demo.generated ? `  with the password: ${demo.password}   (shown once; set LIKELY_DEMO_PASSWORD to choose it)` : "  with the password in LIKELY_DEMO_PASSWORD.");
    }
  }
  await deleteExpiredSessions(db);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const app = createApp({ db, config, logger });
  const scoreWorker = startScoreWorker(db, { secret: config.sessionSecret, log });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  const backups = config.backup ? startBackupSchedule({ databaseUrl: config.databaseUrl, ...config.backup, logger }) : undefined;
  return {
    server,
    db,
    config,
    url,
    async close() {
      backups?.stop();
      await backups?.idle();
      closeHub(db); // live quiz streams and timers first: nothing may touch the database after this
      await scoreWorker.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeBus(db);
      await db.$disconnect();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`likely: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  try {
    const running = await start(config);
    console.log(`Likely is listening on ${running.url}`);
    const stop = () => {
      running.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const message = e.code === "EADDRINUSE" ? `port ${config.port} is already in use; set PORT to another port` : e.message;
    console.error(`likely: could not start: ${message}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
