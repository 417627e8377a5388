/**
 * `likely users add|list|set-role`: accounts from the command line, the way to create the first
 * admin or instructor of a production deployment (which has no demo data).
 *
 *   likely users add --email E --name N --role admin|instructor|student [--password-stdin]
 *   likely users list [--role R] [--json]
 *   likely users set-role E ROLE
 */
import { USER_ROLES, type UserRole } from "../db/users";
import { parseArgs, single, type Parsed } from "./args";
import type { Command } from "./command";
import { withDatabase } from "./database";
import { readStdin } from "./stdin";
import { UsageError } from "./usage-error";

const USAGE = "users add --email E --name N --role admin|instructor|student [--password-stdin] | list [--role R] [--json] | set-role E ROLE";

function required(p: Parsed, name: string): string {
  const value = single(p, name);
  if (value === undefined || value.trim() === "") throw new UsageError(`--${name} is required (usage: likely ${USAGE.split(" | ")[0]})`);
  return value;
}

function role(value: string, what: string): UserRole {
  if (!(USER_ROLES as readonly string[]).includes(value)) throw new UsageError(`${what}: expected one of ${USER_ROLES.join(", ")}, got "${value}"`);
  return value as UserRole;
}

function noPositionals(p: Parsed, sub: string): void {
  if (p.positional.length > 0) throw new UsageError(`${sub} takes no arguments, got "${p.positional[0]}"`);
}

async function add(args: string[]): Promise<number> {
  const p = parseArgs(args, ["email", "name", "role"], ["password-stdin"]);
  noPositionals(p, "add");
  const input = { email: required(p, "email"), name: required(p, "name"), role: role(required(p, "role"), "--role") };
  let password: string | undefined;
  if (p.switches.has("password-stdin")) {
    if (process.stdin.isTTY) throw new UsageError("--password-stdin: standard input is a terminal; pipe the password in (printf '%s' \"$PW\" | likely users add ...)");
    password = (await readStdin()).replace(/\r?\n$/, "");
  }
  const { createAccount, AccountInputError } = await import("../auth/create-account");
  const created = await withDatabase(async (db) => {
    try {
      return await createAccount(db, { ...input, password });
    } catch (err) {
      if (err instanceof AccountInputError) throw new UsageError(err.field === "password" ? `standard input (password): ${err.message.slice("password: ".length)}` : `--${err.message}`);
      throw err;
    }
  });
  const { id, email, role: r } = created.user;
  process.stdout.write(JSON.stringify({ id, email, role: r, password: created.password }) + "\n");
  return 0;
}

async function list(args: string[]): Promise<number> {
  const p = parseArgs(args, ["role"], ["json"]);
  noPositionals(p, "list");
  const only = single(p, "role");
  const filter = only === undefined ? {} : { role: role(only, "--role") };
  const { selectAccounts } = await import("../db/users");
  const rows = await withDatabase((db) => selectAccounts(db, filter));
  if (p.switches.has("json")) {
    process.stdout.write(JSON.stringify(rows.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() }))) + "\n");
    return 0;
  }
  const table = rows.map((u) => [String(u.id), u.email, u.role, u.name]);
  const header = ["ID", "EMAIL", "ROLE", "NAME"];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  process.stdout.write([line(header), ...table.map(line)].join("\n") + `\n\n${rows.length} account${rows.length === 1 ? "" : "s"}.\n`);
  return 0;
}

async function setRole(args: string[]): Promise<number> {
  const p = parseArgs(args, [], []);
  const [email, newRole, ...extra] = p.positional;
  if (!email || !newRole || extra.length > 0) throw new UsageError("set-role needs an EMAIL and a ROLE: likely users set-role ada@example.edu instructor");
  const r = role(newRole, "ROLE");
  const { updateUserRoleByEmail } = await import("../db/users");
  const user = await withDatabase((db) => updateUserRoleByEmail(db, email, r));
  if (!user) throw new UsageError(`EMAIL: no account with ${email} (see likely users list)`);
  process.stdout.write(JSON.stringify({ id: user.id, email: user.email, role: user.role }) + "\n");
  return 0;
}

export const usersCommand: Command = {
  summary: "accounts in the database at DATABASE_URL: add one (password generated and printed once, or read from standard input), list them, change a role",
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case "add":
        return add(rest);
      case "list":
        return list(rest);
      case "set-role":
        return setRole(rest);
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"; expected add, list or set-role` : `expected a subcommand: ${USAGE}`);
    }
  },
};
