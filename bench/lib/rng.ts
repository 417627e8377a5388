/** A small seeded generator (mulberry32) so a bench run can be repeated with --seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of `--name value` / `--flag` arguments. */
export function parseArgs(argv: string[], spec: Record<string, "string" | "number" | "boolean">): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1];
    if (!m || !name || !(name in spec)) throw new Error(`unknown argument ${arg}; expected ${Object.keys(spec).map((k) => "--" + k).join(", ")}`);
    const kind = spec[name]!;
    if (kind === "boolean") {
      out[name] = m[2] === undefined ? true : m[2] !== "false" && m[2] !== "0";
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (kind === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
      out[name] = n;
    } else out[name] = value;
  }
  return out;
}
