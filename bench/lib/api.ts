/**
 * A small JSON client for the /api/v1 endpoints (CONTRACTS.md), and the class a bench needs:
 * an assignment with unlimited attempts, students with their own tokens, their variants and keys.
 */

export type ApiResponse = { status: number; body: any };

export async function api(base: string, method: string, path: string, options: { token?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + "/api/v1" + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Like api(), but any status other than `expect` is an error naming the request. */
export async function apiExpect(base: string, expect: number, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<any> {
  const res = await api(base, method, path, options);
  if (res.status !== expect) throw new Error(`${method} ${path}: expected ${expect}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

export const DEMO_INSTRUCTOR = "instructor@example.edu";

/** One student's variant of one item, with a readable answer (the key) to submit. */
export type Participant = {
  email: string;
  userId: number;
  token: string;
  variantId: number;
  exercise: string;
  answers: Record<string, unknown>;
};

export type BenchClass = {
  courseId: number;
  assignmentId: number;
  instructorToken: string;
  /** Every (student, item) pair, item by item: all students' first item, then all second items... */
  participants: Participant[];
  /** The student tokens, one per student. */
  students: { email: string; userId: number; token: string }[];
  /** Submissions stored while probing (one per participant kept). */
  probesStored: number;
  /** Variants left out because submitting their own key failed (a grading bug, not load). */
  excluded: { exercise: string; variantId: number; status: number; error: string }[];
};

export const CORE_EXERCISES = ["bernoulli-mle", "gaussian-mle", "spherical-gaussian-mle", "gaussian-full-mle", "gmm-known-labels", "em-iteration"];

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * On a server with the demo course ML101: a homework with unlimited attempts over `exercises`,
 * `students` new accounts (roster import with a password), a token for each, their variants
 * (created by viewing the assignment) and each variant's key as a correct answer.
 */
export async function prepareClass(
  base: string,
  options: { password: string; students: number; exercises?: string[]; prefix?: string },
): Promise<BenchClass> {
  const exercises = options.exercises ?? CORE_EXERCISES;
  const prefix = options.prefix ?? "bench";
  const instructorToken = (await apiExpect(base, 201, "POST", "/tokens", { body: { email: DEMO_INSTRUCTOR, password: options.password } })).token as string;
  const courses = (await apiExpect(base, 200, "GET", "/courses", { token: instructorToken })) as { id: number; code: string }[];
  const course = courses.find((c) => c.code === "ML101");
  if (!course) throw new Error("the demo course ML101 is missing: start the server on an empty database with demo data");
  const assignmentId = (
    await apiExpect(base, 201, "POST", `/courses/${course.id}/assignments`, {
      token: instructorToken,
      body: { title: `${prefix}: unlimited attempts`, kind: "homework", maxAttempts: null, items: exercises.map((exercise) => ({ exercise })) },
    })
  ).id as number;
  const roster = Array.from({ length: options.students }, (_, i) => ({
    email: `${prefix}-student-${i + 1}@example.edu`,
    name: `Bench Student ${i + 1}`,
    password: options.password,
  }));
  await apiExpect(base, 201, "POST", `/courses/${course.id}/students`, { token: instructorToken, body: { students: roster } });
  const students = await mapLimit(roster, 4, async (r) => {
    const body = await apiExpect(base, 201, "POST", "/tokens", { body: { email: r.email, password: options.password } });
    return { email: r.email, userId: body.user.id as number, token: body.token as string };
  });
  const perStudent = await mapLimit(students, 4, async (s) => {
    const view = await apiExpect(base, 200, "GET", `/assignments/${assignmentId}`, { token: s.token });
    return (view.items as { variantId: number; exercise: string }[]).map((it) => ({ ...s, variantId: it.variantId, exercise: it.exercise }));
  });
  // Item-major order: neighbours in the list are different students, so a rotation spreads over the class.
  const itemMajor = perStudent[0]!.flatMap((_, item) => perStudent.map((variants) => variants[item]!));
  const all = await mapLimit(itemMajor, 8, async (p) => {
    const key = await apiExpect(base, 200, "GET", `/variants/${p.variantId}/key`, { token: instructorToken });
    return { ...p, answers: key.key as Record<string, unknown> };
  });
  // One probe submission each: a variant whose own key cannot be graded (a server error) would
  // show up as failures that have nothing to do with load or crashes, so it is left out and reported.
  const probes = await mapLimit(all, 8, (p) =>
    api(base, "POST", `/variants/${p.variantId}/submissions`, { token: p.token, body: { answers: p.answers, idempotencyKey: `${prefix}-probe-${p.variantId}` } }),
  );
  const participants = all.filter((_, i) => probes[i]!.status === 201);
  const excluded = all.flatMap((p, i) => (probes[i]!.status === 201 ? [] : [{ exercise: p.exercise, variantId: p.variantId, status: probes[i]!.status, error: String(probes[i]!.body?.error ?? probes[i]!.body).slice(0, 200) }]));
  if (participants.length === 0) throw new Error(`no variant could be graded: ${JSON.stringify(excluded[0])}`);
  return { courseId: course.id, assignmentId, instructorToken, participants, students, probesStored: participants.length, excluded };
}

/**
 * The same answers with every number moved by `shift` (e.g. 1e-7 * n), so that each submission's
 * stored text is unique and can be matched exactly after a crash; still readable, still graded.
 */
export function shiftAnswers(answers: Record<string, unknown>, shift: number): Record<string, unknown> {
  const move = (v: unknown): unknown => {
    if (typeof v === "number") return Number((v + shift).toPrecision(15));
    if (Array.isArray(v)) return v.map(move);
    return v;
  };
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, move(v)]));
}
