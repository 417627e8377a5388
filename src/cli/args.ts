/** Argument parsing shared by the subcommands: positionals, `--flag value` / `--flag=value`, switches. */
import { UsageError } from "./usage-error";

export type Parsed = { positional: string[]; flags: Map<string, string[]>; switches: Set<string> };

/** Splits arguments into positionals, valued flags (`--seed 3`, `--seed=3`) and switches (`--json`). */
export function parseArgs(args: string[], valued: string[], switches: string[]): Parsed {
  const out: Parsed = { positional: [], flags: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (switches.includes(name) && eq < 0) {
      out.switches.add(name);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
    } else {
      const known = [...valued, ...switches].map((n) => `--${n}`).join(", ") || "none";
      throw new UsageError(`unknown option "${a}"; expected one of: ${known}`);
    }
  }
  return out;
}

export function single(p: Parsed, name: string): string | undefined {
  const values = p.flags.get(name);
  if (values && values.length > 1) throw new UsageError(`--${name} may be given once`);
  return values?.[0];
}

export function integerFlag(p: Parsed, name: string, fallback: number, min: number, max: number): number {
  const text = single(p, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

