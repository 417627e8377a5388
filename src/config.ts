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
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

const envSchema = z.object({
  PORT: z.coerce.number({ error: "PORT must be a port number" }).int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^file:.+/, { error: 'DATABASE_URL must be a SQLite URL such as "file:./data/likely.db"' })
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
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL ?? defaultDatabaseUrl(),
    // Only signs the CSRF double-submit value; sessions themselves are random ids stored hashed.
    sessionSecret: e.SESSION_SECRET ?? "development-only-secret-change-me-in-production",
    production,
    demoPassword: e.LIKELY_DEMO_PASSWORD,
    demo: production ? e.LIKELY_DEMO === "1" : e.LIKELY_DEMO !== "0",
    submitLimitPerMinute: e.LIKELY_SUBMIT_LIMIT_PER_MINUTE,
    sqliteSynchronous: e.LIKELY_SQLITE_SYNCHRONOUS,
    publicUrl: e.LIKELY_PUBLIC_URL,
  };
}
