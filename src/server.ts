import cluster from "node:cluster";
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

/** Once per database before any process serves it: migrations, demo data on an empty database when allowed, expired sessions swept. */
async function prepareDatabase(config: Config, db: Db, log: (line: string) => void): Promise<void> {
  if (config.demo) {
    const demo = await createDemoData(db, config.demoPassword);
    if (demo.created) {
      log(`Demo course ML101 created. Sign in as ${DEMO_INSTRUCTOR} or ${DEMO_STUDENTS.join(", ")}`);
      log(demo.generated ? `  with the password: ${demo.password}   (shown once; set LIKELY_DEMO_PASSWORD to choose it)` : "  with the password in LIKELY_DEMO_PASSWORD.");
    }
  }
  await deleteExpiredSessions(db);
}

/**
 * Migrates, seeds demo data on an empty database when allowed, and listens. A cluster worker
 * (`prepared`) skips the first two: its primary did them once before forking.
 */
export async function start(config: Config, log: (line: string) => void = console.log, options: { prepared?: boolean } = {}): Promise<Running> {
  if (!options.prepared) await migrateDeploy(config.databaseUrl);
  const db = await openDb({ url: config.databaseUrl, synchronous: config.sqliteSynchronous });
  if (!options.prepared) await prepareDatabase(config, db, log);
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

function couldNotStart(config: Config, err: unknown): never {
  const e = err as NodeJS.ErrnoException;
  const message = e.code === "EADDRINUSE" ? `port ${config.port} is already in use; set PORT to another port` : e.message;
  console.error(`likely: could not start: ${message}`);
  process.exit(1);
}

/** How long SIGINT/SIGTERM waits for a graceful close before the process exits regardless. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Serves in this process until SIGINT/SIGTERM; `quiet` when a cluster primary speaks for its workers. */
async function serve(config: Config, options: { prepared?: boolean; quiet?: boolean } = {}): Promise<void> {
  try {
    const running = await start(config, console.log, options);
    const stop = () => {
      // A request cut off by the shutdown while its transaction was being opened can keep a pooled
      // connection checked out ("idle in transaction" after BEGIN on PostgreSQL), and closing the
      // pool then waits for it forever. Nothing left unanswered was acknowledged, so after a grace
      // period the process exits anyway (the server rolls the open transaction back).
      setTimeout(() => {
        console.error(`likely: shutdown still waiting after ${SHUTDOWN_GRACE_MS / 1000} s; exiting`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
      running.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // Only now: whoever waits for this line may signal at once (a SIGTERM that beat the handlers
    // killed the process without closing it).
    if (!options.quiet) console.log(`Likely is listening on ${running.url}`);
  } catch (err) {
    couldNotStart(config, err);
  }
}

/**
 * LIKELY_WORKERS=N (PostgreSQL): this primary migrates and prepares the database once, then forks N
 * workers that share the port (node:cluster hands connections round-robin). Everything a request
 * needs is in the database or travels on the notify bus, so any worker may serve any request. A
 * worker that dies is replaced; SIGINT/SIGTERM stops every worker gracefully, then the primary.
 */
async function primary(config: Config): Promise<void> {
  try {
    await migrateDeploy(config.databaseUrl);
    const db = await openDb({ url: config.databaseUrl, synchronous: config.sqliteSynchronous });
    try {
      await prepareDatabase(config, db, console.log);
    } finally {
      await db.$disconnect();
    }
  } catch (err) {
    couldNotStart(config, err);
  }
  let stopping = false;
  let listening = 0;
  const fork = () => cluster.fork({ LIKELY_CLUSTER_WORKER: "1" });
  cluster.on("listening", (_worker, address) => {
    if (++listening === config.workers) console.log(`Likely is listening on http://localhost:${address.port} (${config.workers} workers)`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (listening < config.workers) {
      // Died before serving: the same error would repeat in every replacement (it printed why).
      console.error(`likely: a worker could not start (exit ${code ?? signal}); stopping`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    console.error(`likely: worker ${worker.process.pid} exited (${code ?? signal}); starting another`);
    listening--;
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  for (let i = 0; i < config.workers; i++) fork();
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
  if (config.workers > 1 && cluster.isPrimary) return primary(config);
  if (cluster.isWorker) return serve(config, { prepared: true, quiet: true });
  return serve(config);
}

if (require.main === module) void main();
