/**
 * `likely lti add-platform|platforms|rotate-key`: LMS registration from the command line, on the
 * database at DATABASE_URL (migrated first, as the server does).
 *
 *   likely lti add-platform --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL [--deployment-id ID]... [--name TEXT]
 *   likely lti platforms
 *   likely lti rotate-key [--revoke]
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadConfig } from "../config";
import { openDb, type Db } from "../db/client";
import { selectPlatforms } from "../db/lti";
import { migrateDeploy } from "../db/migrate";
import { rotateKey } from "../lti/keys";
import { platformSchema, registerPlatform } from "../lti/platforms";
import { toolUrls } from "../lti/urls";
import type { Command } from "./command";
import { UsageError } from "./usage-error";

const USAGE =
  "lti add-platform --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL [--deployment-id ID]... [--name TEXT] | platforms | rotate-key [--revoke]";

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true } as const).values;
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]!);
  }
}

async function withDb<T>(fn: (db: Db, publicUrl: string, secret: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await migrateDeploy(config.databaseUrl);
  const db = await openDb({ url: config.databaseUrl, synchronous: config.sqliteSynchronous });
  try {
    return await fn(db, config.publicUrl ?? `http://localhost:${config.port}`, config.sessionSecret);
  } finally {
    await db.$disconnect();
  }
}

export const ltiCommand: Command = {
  summary: "register LMS platforms (LTI 1.3), list them, rotate the tool's signing key",
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "add-platform") {
      const v = parse(rest, {
        issuer: { type: "string" },
        "client-id": { type: "string" },
        "auth-url": { type: "string" },
        "token-url": { type: "string" },
        "jwks-url": { type: "string" },
        "deployment-id": { type: "string", multiple: true },
        name: { type: "string" },
      });
      const parsed = platformSchema.safeParse({
        issuer: v.issuer,
        clientId: v["client-id"],
        authUrl: v["auth-url"],
        tokenUrl: v["token-url"],
        jwksUrl: v["jwks-url"],
        deployments: v["deployment-id"] ?? [],
        name: v.name ?? "",
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const flag = String(issue.path[0] ?? "").replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
        throw new UsageError(`--${flag === "deployments" ? "deployment-id" : flag}: ${issue.message}`);
      }
      const out = await withDb((db, publicUrl) => registerPlatform(db, parsed.data, publicUrl));
      process.stdout.write(JSON.stringify(out) + "\n");
      return 0;
    }
    if (sub === "platforms") {
      parse(rest, {});
      const out = await withDb(async (db, publicUrl) => {
        const urls = toolUrls(publicUrl);
        return (await selectPlatforms(db)).map((p) => ({ platformId: p.id, name: p.name, issuer: p.issuer, clientId: p.clientId, deployments: p.deployments, authUrl: p.authUrl, tokenUrl: p.tokenUrl, jwksUrl: p.jwksUrl, loginUrl: urls.loginUrl, launchUrl: urls.launchUrl, toolJwksUrl: urls.jwksUrl }));
      });
      process.stdout.write(JSON.stringify(out, null, 2) + "\n");
      return 0;
    }
    if (sub === "rotate-key") {
      const v = parse(rest, { revoke: { type: "boolean" } });
      const out = await withDb((db, _url, secret) => rotateKey(db, secret, v.revoke === true));
      process.stdout.write(JSON.stringify(out) + "\n");
      return 0;
    }
    throw new UsageError(`expected add-platform, platforms or rotate-key; usage: likely ${USAGE}`);
  },
};
