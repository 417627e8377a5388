/** Builds an exercise's zod parameter schema from its ParamSpec list. */
import { z } from "zod";
import type { ParamSpec } from "./contract";

/** Numeric text (from a form or the CLI) becomes a number; everything else is left for zod to reject. */
function numeric(v: unknown): unknown {
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return v;
}

function fieldSchema(spec: ParamSpec): z.ZodType {
  const where = `parameter "${spec.name}"`;
  switch (spec.kind) {
    case "int": {
      const expected = `${where} must be an integer from ${spec.min} to ${spec.max}`;
      return z
        .preprocess(numeric, z.number({ error: expected }).int({ error: expected }).min(spec.min, { error: expected }).max(spec.max, { error: expected }))
        .default(spec.default);
    }
    case "number": {
      const expected = `${where} must be a number from ${spec.min} to ${spec.max}`;
      return z
        .preprocess(numeric, z.number({ error: expected }).min(spec.min, { error: expected }).max(spec.max, { error: expected }))
        .default(spec.default);
    }
    case "choice": {
      const expected = `${where} must be one of ${spec.choices.join(", ")}`;
      return z.enum(spec.choices as [string, ...string[]], { error: expected }).default(spec.default);
    }
  }
}

/**
 * A strict object schema: unknown parameter names are rejected, missing ones take their default.
 * The caller states the parsed type P (it mirrors the specs).
 */
export function paramsSchema<P extends Record<string, unknown>>(specs: readonly ParamSpec[]): z.ZodType<P> {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of specs) shape[spec.name] = fieldSchema(spec);
  return z.strictObject(shape) as unknown as z.ZodType<P>;
}

/** Standard size parameters, so that every exercise describes n, d and k the same way. */
export const sizeParam = {
  n: (def: number, min: number, max: number): ParamSpec => ({
    name: "n",
    label: "Number of data points n",
    kind: "int",
    default: def,
    min,
    max,
    description: `How many data points the variant has (${min} to ${max}).`,
  }),
  d: (def: number, min: number, max: number): ParamSpec => ({
    name: "d",
    label: "Dimension d",
    kind: "int",
    default: def,
    min,
    max,
    description: `Dimension of each data point (${min} to ${max}).`,
  }),
  k: (def: number, min: number, max: number): ParamSpec => ({
    name: "k",
    label: "Number of components k",
    kind: "int",
    default: def,
    min,
    max,
    description: `Number of mixture components (${min} to ${max}).`,
  }),
};
