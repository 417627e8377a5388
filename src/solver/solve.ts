import { z } from "zod";
import { bernoulliMle } from "./bernoulli-mle";
import { COVARIANCE_TYPES } from "./em-step";
import { gaussianFullMle } from "./gaussian-full-mle";
import { gaussianMle } from "./gaussian-mle";
import { gmmEm } from "./gmm-em";
import { gmmKnownLabels } from "./gmm-known-labels";
import type { MixtureParams } from "./mixture";
import type { Mat } from "./points";
import { SolverError } from "./solver-error";
import { sphericalGaussianMle } from "./spherical-gaussian-mle";

/*
 * Requests are checked in two layers: zod checks the request object (task, field names, scalar
 * fields), and the solver functions check the contents of the arrays with plain loops, so a
 * million-point x is never walked element by element by a schema.
 */

/** A JSON list whose entries the solver function validates. */
const list = z.custom<unknown[]>((value) => Array.isArray(value), { error: "must be a list" });

const TASKS = ["bernoulli", "gaussian", "spherical-gaussian", "gaussian-full", "gmm-known-labels", "gmm-em"] as const;
type Task = (typeof TASKS)[number];

const dataOnly = (task: Task) => z.strictObject({ task: z.literal(task), x: list });

const SCHEMAS = {
  bernoulli: dataOnly("bernoulli"),
  gaussian: dataOnly("gaussian"),
  "spherical-gaussian": dataOnly("spherical-gaussian"),
  "gaussian-full": dataOnly("gaussian-full"),
  "gmm-known-labels": z.strictObject({ task: z.literal("gmm-known-labels"), x: list, labels: list, k: z.int().min(1) }),
  "gmm-em": z.strictObject({
    task: z.literal("gmm-em"),
    x: list,
    covariance: z.enum(COVARIANCE_TYPES as [string, ...string[]]),
    init: z.strictObject({ weights: list, means: list, variances: list.optional(), covariances: list.optional() }),
    maxIter: z.int().min(0),
    tol: z.number().min(0),
    regCovar: z.number().min(0).optional(),
    responsibilities: z.boolean().optional(),
  }),
} satisfies Record<Task, z.ZodType>;

type Requests = { [T in Task]: z.infer<(typeof SCHEMAS)[T]> };

/** The task runners, one per task; each returns the result fields of CONTRACTS.md. */
const RUNNERS: { [T in Task]: (req: Requests[T]) => Record<string, unknown> } = {
  bernoulli: (req) => bernoulliMle(req.x as number[]),
  gaussian: (req) => gaussianMle(req.x as number[]),
  "spherical-gaussian": (req) => sphericalGaussianMle(req.x as Mat),
  "gaussian-full": (req) => gaussianFullMle(req.x as Mat),
  "gmm-known-labels": (req) => gmmKnownLabels(req.x as Mat, req.labels as number[], req.k),
  "gmm-em": (req) =>
    gmmEm({
      x: req.x as Mat,
      covariance: req.covariance as (typeof COVARIANCE_TYPES)[number],
      init: req.init as MixtureParams,
      maxIter: req.maxIter,
      tol: req.tol,
      regCovar: req.regCovar,
      responsibilities: req.responsibilities,
    }),
};

function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `${out ? "." : ""}${String(key)}`;
  return out;
}

/** What each request field must be, for messages like `maxIter must be an integer >= 0`. */
const RULES: Record<string, string> = {
  task: `one of ${TASKS.map((t) => `"${t}"`).join(", ")}`,
  covariance: `one of ${COVARIANCE_TYPES.map((t) => `"${t}"`).join(", ")}`,
  k: "an integer >= 1",
  maxIter: "an integer >= 0",
  tol: "a number >= 0",
  regCovar: "a number >= 0",
  responsibilities: "true or false",
  init: "an object with weights, means and variances or covariances",
};

/** One line naming the field and what was expected, e.g. `maxIter must be an integer >= 0`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldName(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${field || "request"} has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  if ("input" in issue && issue.input === undefined) return `${field} is required`;
  const rule = RULES[field] ?? (issue.code === "custom" ? "a list" : issue.code === "invalid_type" ? `of type ${issue.expected}` : issue.message);
  return `${field} must be ${rule}`;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new SolverError(describeIssue(result.error.issues[0]));
  return result.data;
}

const taskSchema = z.object({ task: z.enum(TASKS) });

/**
 * The `likely solve` dispatcher: validates a request (CONTRACTS.md, "Solver requests") and runs its task.
 * @param request e.g. `{ "task": "gaussian", "x": [1, 2, 3] }`.
 * @returns the task's result fields, e.g. `{ mean, variance, logLikelihood }`.
 * @throws SolverError with one line naming the field, e.g. `task must be "bernoulli" or ...`.
 */
export function solve(request: unknown): Record<string, unknown> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw new SolverError(`request must be a JSON object with a "task" field (one of ${TASKS.join(", ")})`);
  }
  const { task } = parse(taskSchema, request);
  const runner = RUNNERS[task] as (req: unknown) => Record<string, unknown>;
  return runner(parse(SCHEMAS[task], request));
}
