import path from "node:path";
import { z } from "zod";
import { projectRoot } from "./paths";

/** Settings read from the environment once at start-up; a bad value is a one-line error. */
export type Config = {
  port: number;
  databaseUrl: string;
  sessionSecret: string;
  production: boolean;
  demoPassword: string | undefined;
  /** Create demo data on an empty database. */
  demo: boolean;
  /** Graded submissions per user per minute; 0 turns the limit off (load tests). */
  submitLimitPerMinute: number;
  /** SQLite `synchronous`: FULL survives power loss, NORMAL only process crashes (see README). */
  sqliteSynchronous: "FULL" | "NORMAL";
  /** Public origin used in QR codes and links (e.g. https://likely.example.edu). */
  publicUrl: string | undefined;
  /** Scheduled backups from the server itself (LIKELY_BACKUP_DIR + LIKELY_BACKUP_EVERY_HOURS). */
  backup: { dir: string; everyHours: number; keep: number } | undefined;
  /** Bearer token for GET /metrics; unset = /metrics answers 404. */
  metricsToken: string | undefined;
  /** pino level; "silent" by default under NODE_ENV=test. */
  logLevel: LogLevel;
  /** json (one line per request, the default) or pretty (needs the pino-pretty dev dependency). */
  logFormat: "json" | "pretty";
  /** Server processes on this machine (LIKELY_WORKERS, node:cluster); more than 1 only on PostgreSQL. */
  workers: number;
};

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override name = "ConfigError";
}

const envSchema = z.object({
  PORT: z.coerce.number({ error: "PORT must be a port number" }).int().min(0).max(65535).default(3000),
  LIKELY_WORKERS: z.coerce
    .number({ error: "LIKELY_WORKERS must be a whole number of server processes (1 to 64)" })
    .int({ error: "LIKELY_WORKERS must be a whole number of server processes (1 to 64)" })
    .min(1, { error: "LIKELY_WORKERS must be a whole number of server processes (1 to 64)" })
    .max(64, { error: "LIKELY_WORKERS must be a whole number of server processes (1 to 64)" })
    .default(1),
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, {
      error: 'DATABASE_URL must be a SQLite URL such as "file:./data/likely.db" or a PostgreSQL URL such as "postgresql://user@host/likely"',
    })
    .optional(),
  SESSION_SECRET: z.string().min(32, { error: "SESSION_SECRET must be at least 32 characters" }).optional(),
  NODE_ENV: z.enum(["development", "production", "test"], { error: "NODE_ENV must be development, production or test" }).optional(),
  LIKELY_DEMO_PASSWORD: z.string().min(8, { error: "LIKELY_DEMO_PASSWORD must be at least 8 characters" }).optional(),
  LIKELY_DEMO: z.enum(["0", "1"], { error: "LIKELY_DEMO must be 0 or 1" }).optional(),
  LIKELY_SUBMIT_LIMIT_PER_MINUTE: z.coerce
    .number({ error: "LIKELY_SUBMIT_LIMIT_PER_MINUTE must be a whole number (0 = off)" })
    .int({ error: "LIKELY_SUBMIT_LIMIT_PER_MINUTE must be a whole number (0 = off)" })
    .min(0)
    .default(120),
  LIKELY_SQLITE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"], { error: "LIKELY_SQLITE_SYNCHRONOUS must be FULL or NORMAL" }).default("FULL"),
  LIKELY_PUBLIC_URL: z.url({ error: "LIKELY_PUBLIC_URL must be an absolute URL" }).optional(),
  LIKELY_BACKUP_DIR: z.string().optional(),
  LIKELY_BACKUP_EVERY_HOURS: z.coerce
    .number({ error: "LIKELY_BACKUP_EVERY_HOURS must be a number of hours, e.g. 6 or 0.5" })
    .min(1 / 60, { error: "LIKELY_BACKUP_EVERY_HOURS must be at least 0.0167 (one minute)" })
    .max(24 * 31, { error: "LIKELY_BACKUP_EVERY_HOURS must be at most 744 (31 days)" })
    .optional(),
  LIKELY_BACKUP_KEEP: z.coerce
    .number({ error: "LIKELY_BACKUP_KEEP must be a whole number from 1 to 1000" })
    .int({ error: "LIKELY_BACKUP_KEEP must be a whole number from 1 to 1000" })
    .min(1, { error: "LIKELY_BACKUP_KEEP must be a whole number from 1 to 1000" })
    .max(1000, { error: "LIKELY_BACKUP_KEEP must be a whole number from 1 to 1000" })
    .default(14),
  LIKELY_METRICS_TOKEN: z.string().min(16, { error: "LIKELY_METRICS_TOKEN must be at least 16 characters" }).optional(),
  LIKELY_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LIKELY_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` }).optional(),
  LIKELY_LOG_FORMAT: z.enum(["json", "pretty"], { error: "LIKELY_LOG_FORMAT must be json or pretty" }).default("json"),
});

/** The default database: a file under data/ beside the project. */
export function defaultDatabaseUrl(): string {
  return `file:${path.join(projectRoot, "data", "likely.db")}`;
}

/**
 * Only the database, for commands that need nothing else (`likely users`, `likely backup`): no
 * SESSION_SECRET is required to manage accounts.
 */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = envSchema.pick({ DATABASE_URL: true }).safeParse(env.DATABASE_URL ? { DATABASE_URL: env.DATABASE_URL } : {});
  if (!parsed.success) throw new ConfigError(`DATABASE_URL: ${parsed.error.issues[0]!.message} (got ${JSON.stringify(env.DATABASE_URL)})`);
  return parsed.data.DATABASE_URL ?? defaultDatabaseUrl();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(blank);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(env[name])})`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError("SESSION_SECRET must be set (32+ random characters) when NODE_ENV=production");
  }
  if ((e.LIKELY_BACKUP_DIR === undefined) !== (e.LIKELY_BACKUP_EVERY_HOURS === undefined)) {
    throw new ConfigError("LIKELY_BACKUP_DIR and LIKELY_BACKUP_EVERY_HOURS go together: set both for scheduled backups, or neither");
  }
  const databaseUrl = e.DATABASE_URL ?? defaultDatabaseUrl();
  if (e.LIKELY_BACKUP_DIR !== undefined && !databaseUrl.startsWith("file:")) {
    throw new ConfigError("LIKELY_BACKUP_DIR: scheduled backups are for SQLite; back up PostgreSQL with pg_dump");
  }
  if (e.LIKELY_WORKERS > 1 && databaseUrl.startsWith("file:")) {
    throw new ConfigError(
      `LIKELY_WORKERS=${e.LIKELY_WORKERS} needs PostgreSQL (DATABASE_URL=postgresql://...): a SQLite database is served by one process. Unset LIKELY_WORKERS, or see "Several processes" in the README`,
    );
  }
  return {
    port: e.PORT,
    databaseUrl,
    // Only signs the CSRF double-submit value; sessions themselves are random ids stored hashed.
    sessionSecret: e.SESSION_SECRET ?? "development-only-secret-change-me-in-production",
    production,
    demoPassword: e.LIKELY_DEMO_PASSWORD,
    demo: production ? e.LIKELY_DEMO === "1" : e.LIKELY_DEMO !== "0",
    submitLimitPerMinute: e.LIKELY_SUBMIT_LIMIT_PER_MINUTE,
    sqliteSynchronous: e.LIKELY_SQLITE_SYNCHRONOUS,
    publicUrl: e.LIKELY_PUBLIC_URL,
    backup: e.LIKELY_BACKUP_DIR !== undefined ? { dir: path.resolve(e.LIKELY_BACKUP_DIR), everyHours: e.LIKELY_BACKUP_EVERY_HOURS!, keep: e.LIKELY_BACKUP_KEEP } : undefined,
    metricsToken: e.LIKELY_METRICS_TOKEN,
    logLevel: e.LIKELY_LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    logFormat: e.LIKELY_LOG_FORMAT,
    workers: e.LIKELY_WORKERS,
  };
}
