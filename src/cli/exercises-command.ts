/**
 * `likely exercises list|show|check`: the exercise catalogue from the command line.
 *
 *   likely exercises list [--json]
 *   likely exercises show SLUG [--seed S] [--param name=value ...] [--asks quantity=choice ...] [--json]
 *   likely exercises check [--seeds N] [--only SLUG]
 *
 * `check` counts exercise-seed pairs: a pair passes when every check on that variant holds.
 */
import type { Command } from "./command";
import { integerFlag, parseArgs } from "./args";
import { UsageError } from "./usage-error";

const USAGE = "exercises list [--json] | show SLUG [--seed S] [--param name=value ...] [--asks quantity=choice ...] [--json] | check [--seeds N] [--only SLUG] [--fuzz N]";

async function registry() {
  return import("../../exercises");
}

async function list(args: string[]): Promise<number> {
  const p = parseArgs(args, [], ["json"]);
  if (p.positional.length > 0) throw new UsageError(`list takes no arguments, got "${p.positional[0]}"`);
  const { listExercises } = await registry();
  const { formatShape } = await import("../grading");
  const items = listExercises();
  if (p.switches.has("json")) {
    const json = items.map(({ slug, title, topic, description, formula, params, parts }) => ({ slug, title, topic, description, formula, params, parts }));
    process.stdout.write(JSON.stringify(json, null, 2) + "\n");
    return 0;
  }
  const shape = (s: Parameters<typeof formatShape>[0]) =>
    s.kind === "scalar" ? "" : s.kind === "vector" ? `[${s.length}]` : `[${s.rows}x${s.cols}]`;
  const rows = items.map((e) => [
    e.slug,
    e.topic,
    e.params.map((q) => `${q.name}=${q.default}`).join(" ") || "-",
    e.parts.map((q) => `${q.name}${shape(q.shape)}${q.permutationGroup ? "*" : ""}`).join(" "),
  ]);
  const header = ["SLUG", "TOPIC", "PARAMETERS (defaults)", "ANSWER PARTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  process.stdout.write([line(header), ...rows.map(line)].join("\n") + "\n");
  process.stdout.write(`\n${items.length} exercises. * = graded up to a permutation of the components.\n`);
  return 0;
}

async function show(args: string[]): Promise<number> {
  const p = parseArgs(args, ["seed", "param", "asks"], ["json"]);
  const [slug, ...extra] = p.positional;
  if (!slug) throw new UsageError("show needs an exercise SLUG (see `likely exercises list`)");
  if (extra.length > 0) throw new UsageError(`show takes one SLUG, got also "${extra[0]}"`);
  const seed = integerFlag(p, "seed", 1, 0, 0xffffffff);
  const params: Record<string, string> = {};
  for (const kv of p.flags.get("param") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param must look like name=value, got "${kv}"`);
    params[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  // --asks variance=sd: the item's parametrisation (README, "Parametrisations").
  const asks: Record<string, string> = {};
  for (const kv of p.flags.get("asks") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`--asks must look like quantity=choice (e.g. variance=sd), got "${kv}"`);
    asks[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const { createVariant, ExerciseError, variantSummary } = await registry();
  let v;
  try {
    v = createVariant(slug, seed, Object.keys(asks).length > 0 ? { ...params, parametrisation: asks } : params);
  } catch (err) {
    if (err instanceof ExerciseError) throw new UsageError(err.message);
    throw err;
  }
  const { slug: s, seed: sd, params: ps, data, key, solution } = v;
  if (p.switches.has("json")) {
    process.stdout.write(JSON.stringify({ slug: s, seed: sd, params: ps, data, key, solution }, null, 2) + "\n");
  } else {
    process.stdout.write(`${variantSummary(v)}\nparams: ${JSON.stringify(ps)}\ndata: ${JSON.stringify(data)}\nkey: ${JSON.stringify(key)}\n`);
  }
  return 0;
}

async function check(args: string[]): Promise<number> {
  const p = parseArgs(args, ["seeds", "only", "fuzz"], []);
  if (p.positional.length > 0) throw new UsageError(`check takes no arguments, got "${p.positional[0]}"`);
  const seeds = integerFlag(p, "seeds", 20, 1, 100000);
  const { exerciseSlugs } = await registry();
  const only = p.flags.get("only");
  for (const slug of only ?? []) {
    if (!exerciseSlugs().includes(slug)) throw new UsageError(`--only: unknown exercise "${slug}"; expected one of: ${exerciseSlugs().join(", ")}`);
  }
  const { runChecks } = await import("../../exercises/check");
  const summary = runChecks({
    seeds,
    slugs: only,
    onFailure: (f) => process.stdout.write(`FAIL ${f.slug} seed ${f.seed}: ${f.message}\n`),
  });
  // Instructor-given data: generated data given back, the lecture's example, and hostile data sets.
  const fuzz = integerFlag(p, "fuzz", 500, 0, 1_000_000);
  const { runGivenDataChecks } = await import("../../exercises/check");
  const given = runGivenDataChecks({ seeds, fuzz, onFailure: (f) => process.stdout.write(`FAIL given data ${f.slug}${f.seed ? ` seed ${f.seed}` : ""}: ${f.message}\n`) });
  process.stdout.write(`given data: ${given.passed} passed, ${given.failed} failed (generated data given back over ${seeds} seeds, the lecture's example, ${fuzz} hostile data sets)\n`);
  process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
  return summary.failed === 0 && given.failed === 0 ? 0 : 1;
}

export const exercisesCommand: Command = {
  summary:
    "The exercise catalogue: list it, show one variant with its key, or check every exercise over seeds 1..N (counts exercise-seed pairs).",
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case "list":
        return list(rest);
      case "show":
        return show(rest);
      case "check":
        return check(rest);
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"; expected list, show or check` : `expected a subcommand: ${USAGE}`);
    }
  },
};
