/**
 * Pass kernels specialised to one (covariance type, d, k) by generating their JavaScript source:
 * every loop over coordinates and components is unrolled, every parameter is a local constant and
 * every statistic a local accumulator, which V8 keeps in registers. Same arithmetic, same results
 * and same contract (PassKernel, em-kernels.ts) as the generic kernels, which remain the fallback
 * for shapes too large to unroll. The source depends only on (type, d, k, op), never on data, so
 * nothing user-supplied is ever evaluated.
 */
import { type CovarianceType, PASS_KERNELS, type PassKernel, statsStride } from "./em-kernels";
import { expNeg, expNegSource, TWO_POW_J64, TWO_POW_NEG } from "./exp-neg";

/**
 * Longest generated source that is used; larger shapes run the generic loops. Measured with Node 20
 * on whole `likely solve` processes (30 iterations, n = 100,000): kernels up to about 12 KB of source
 * (full covariances with d = 5, k = 4; d = 2 with k = 8) compile in milliseconds and run up to twice
 * as fast as the loops, while 20-60 KB ones (d = 5, k = 8; d = 10, k = 8) spend seconds in V8's
 * optimizing compiler and hundreds of MB on it, and V8 does not optimize them at all past ~75 KB.
 */
const MAX_SOURCE_LENGTH = 12_000;

/** Up to this many components the generated kernels write expNeg out in place. */
const INLINE_EXP_MAX_K = 4;

/**
 * What a pass does besides the log-likelihood: nothing, accumulate the statistics around the means
 * ("stats") or around inp.shift ("stats-shifted", the rare refinement pass), or write responsibilities.
 */
export type PassOp = "loglik" | "stats" | "stats-shifted" | "resp";

/** The ops in a fixed order, so threads can name them by index. */
export const PASS_OPS: readonly PassOp[] = ["loglik", "stats", "stats-shifted", "resp"];

/**
 * Points per Math.log: a product of sums in [1, k] stays below e^700 (no overflow), and at most
 * 256 factors keep its rounding (256 eps relative) far below what EM's tolerances see.
 */
function logBatch(k: number): number {
  return k === 1 ? 256 : Math.min(256, Math.floor(700 / Math.log(k)));
}

/** Lower-triangle index pairs (a, b), b <= a. */
function lower(d: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) out.push([a, b]);
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The source of a kernel body `(inp, start, end, acc, resp) => ll` (the statistics of "stats-shifted" go to "stats"'s accumulators). */
export function kernelSource(type: CovarianceType, d: number, k: number, passOp: PassOp): string {
  const separateShift = passOp === "stats-shifted";
  const op = separateShift ? "stats" : passOp;
  const J = range(k);
  const T = range(d);
  const tri = lower(d);
  const out: string[] = ['"use strict";', "const x = inp.x, means = inp.means, shift = inp.shift, logConst = inp.logConst, prec = inp.prec;"];
  const emit = (line: string) => out.push(line);
  // Parameters as constants.
  for (const j of J) {
    emit(`const c${j} = logConst[${j}];`);
    for (const t of T) emit(`const m${j}_${t} = means[${j * d + t}];`);
    if (op === "stats" && separateShift) for (const t of T) emit(`const s${j}_${t} = shift[${j * d + t}];`);
    if (type === "spherical") emit(`const h${j} = 0.5 * prec[${j}];`);
    else if (type === "diag") for (const t of T) emit(`const h${j}_${t} = 0.5 * prec[${j * d + t}];`);
    else for (const [a, b] of tri) emit(`const w${j}_${a}_${b} = prec[${j * d * d + a * d + b}];`);
  }
  // Accumulators of the statistics (layout in em-kernels.ts).
  if (op === "stats") {
    for (const j of J) {
      emit(`let n${j} = 0;`);
      for (const t of T) emit(`let a${j}_${t} = 0;`);
      if (type === "spherical") emit(`let b${j} = 0;`);
      else if (type === "diag") for (const t of T) emit(`let b${j}_${t} = 0;`);
      else for (const [a, b] of tri) emit(`let b${j}_${a}_${b} = 0;`);
    }
  }
  emit("let ll = 0, llMax = 0, product = 1, inBatch = 0;");
  emit(`for (let i = start, o = start * ${d}; i < end; i++, o += ${d}) {`);
  for (const t of T) emit(`const x${t} = x[o + ${t}];`);
  // E-step: l_j = ln w_j N(x | j).
  for (const j of J) {
    for (const t of T) emit(`const v${j}_${t} = x${t} - m${j}_${t};`);
    if (type === "spherical") {
      emit(`const q${j} = ${T.map((t) => `v${j}_${t} * v${j}_${t}`).join(" + ")};`);
      emit(`const l${j} = c${j} - h${j} * q${j};`);
    } else if (type === "diag") {
      emit(`const l${j} = c${j} - (${T.map((t) => `v${j}_${t} * v${j}_${t} * h${j}_${t}`).join(" + ")});`);
    } else {
      for (const a of T) emit(`const y${j}_${a} = ${range(a + 1).map((b) => `w${j}_${a}_${b} * v${j}_${b}`).join(" + ")};`);
      emit(`const l${j} = c${j} - 0.5 * (${T.map((a) => `y${j}_${a} * y${j}_${a}`).join(" + ")});`);
    }
  }
  // Log-sum-exp: one exp per component but the largest.
  emit("let max = l0;");
  for (const j of J.slice(1)) emit(`if (l${j} > max) max = l${j};`);
  // No guard for max = -Infinity (no component can have produced x): every e_j is then 1 and ll
  // becomes -Infinity, which the caller reports; a branch here would slow every point down.
  // expNeg written out in place for few components (V8 might not inline the call); with many, the
  // call keeps the kernel small enough for the optimizing compiler.
  for (const j of J) {
    if (k <= INLINE_EXP_MAX_K) emit(`let e${j} = 1;\nif (l${j} !== max) {\n${expNegSource(`l${j} - max`, `e${j}`, `t${j}`)}\n}`);
    else emit(`const e${j} = l${j} === max ? 1 : expNeg(l${j} - max);`);
  }
  emit(`const sum = ${J.map((j) => `e${j}`).join(" + ")};`);
  // ln p(x) = max + ln sum; the logs of a batch of sums (each in [1, k]) are taken as one log of
  // their product, which cannot overflow: one Math.log per LOG_BATCH points.
  emit("llMax += max;");
  emit("product *= sum;");
  emit(`if (++inBatch === ${logBatch(k)}) { ll += Math.log(product); product = 1; inBatch = 0; }`);
  emit("const inv = 1 / sum;");
  if (op === "resp") {
    emit(`const ro = i * ${k};`);
    for (const j of J) emit(`resp[ro + ${j}] = e${j} * inv;`);
  }
  if (op === "stats") {
    for (const j of J) {
      emit(`const r${j} = e${j} * inv;`);
      emit(`n${j} += r${j};`);
      const u = (t: number) => (separateShift ? `u${j}_${t}` : `v${j}_${t}`);
      if (separateShift) for (const t of T) emit(`const u${j}_${t} = x${t} - s${j}_${t};`);
      for (const t of T) emit(`const g${j}_${t} = r${j} * ${u(t)};`);
      for (const t of T) emit(`a${j}_${t} += g${j}_${t};`);
      if (type === "spherical") {
        const q = separateShift ? T.map((t) => `${u(t)} * ${u(t)}`).join(" + ") : `q${j}`;
        emit(`b${j} += r${j} * (${q});`);
      } else if (type === "diag") {
        for (const t of T) emit(`b${j}_${t} += g${j}_${t} * ${u(t)};`);
      } else {
        for (const [a, b] of tri) emit(`b${j}_${a}_${b} += g${j}_${a} * ${u(b)};`);
      }
    }
  }
  emit("}");
  if (op === "stats") {
    const stride = statsStride(type, d);
    for (const j of J) {
      const base = j * stride;
      emit(`acc[${base}] += n${j};`);
      for (const t of T) emit(`acc[${base + 1 + t}] += a${j}_${t};`);
      if (type === "spherical") emit(`acc[${base + 1 + d}] += b${j};`);
      else if (type === "diag") for (const t of T) emit(`acc[${base + 1 + d + t}] += b${j}_${t};`);
      else for (const [a, b] of tri) emit(`acc[${base + 1 + d + a * d + b}] += b${j}_${a}_${b};`);
    }
  }
  emit("return llMax + ll + Math.log(product);");
  return out.join("\n");
}

/**
 * The source of a kernel with the coordinates unrolled but a loop over the components: parameters
 * and statistics stay in the arrays (at offsets the loop hoists), so the source grows with d^2 only.
 * For shapes whose fully unrolled kernel is too large (full covariances with d = 10, k = 8, say).
 */
export function loopedKernelSource(type: CovarianceType, d: number, k: number, passOp: PassOp): string {
  const separateShift = passOp === "stats-shifted";
  const op = separateShift ? "stats" : passOp;
  const T = range(d);
  const tri = lower(d);
  const p = type === "spherical" ? 1 : type === "diag" ? d : d * d;
  const stride = statsStride(type, d);
  const out: string[] = ['"use strict";', "const x = inp.x, means = inp.means, shift = inp.shift, logConst = inp.logConst, prec = inp.prec;"];
  const emit = (line: string) => out.push(line);
  emit(`const lp = new Float64Array(${k});`);
  emit("let ll = 0, llMax = 0, product = 1, inBatch = 0;");
  emit(`for (let i = start, o = start * ${d}; i < end; i++, o += ${d}) {`);
  for (const t of T) emit(`const x${t} = x[o + ${t}];`);
  emit("let max = -Infinity;");
  emit(`for (let j = 0, mo = 0, po = 0; j < ${k}; j++, mo += ${d}, po += ${p}) {`);
  for (const t of T) emit(`const v${t} = x${t} - means[mo + ${t}];`);
  if (type === "spherical") emit(`const l = logConst[j] - 0.5 * prec[po] * (${T.map((t) => `v${t} * v${t}`).join(" + ")});`);
  else if (type === "diag") emit(`const l = logConst[j] - 0.5 * (${T.map((t) => `v${t} * v${t} * prec[po + ${t}]`).join(" + ")});`);
  else {
    for (const a of T) emit(`const y${a} = ${range(a + 1).map((b) => `prec[po + ${a * d + b}] * v${b}`).join(" + ")};`);
    emit(`const l = logConst[j] - 0.5 * (${T.map((a) => `y${a} * y${a}`).join(" + ")});`);
  }
  emit("lp[j] = l;");
  emit("if (l > max) max = l;");
  emit("}");
  emit("let sum = 0;");
  emit(`for (let j = 0; j < ${k}; j++) { const e = lp[j] === max ? 1 : expNeg(lp[j] - max); lp[j] = e; sum += e; }`);
  emit("llMax += max;");
  emit("product *= sum;");
  emit(`if (++inBatch === ${logBatch(k)}) { ll += Math.log(product); product = 1; inBatch = 0; }`);
  emit("const inv = 1 / sum;");
  if (op === "resp") emit(`for (let j = 0, ro = i * ${k}; j < ${k}; j++) resp[ro + j] = lp[j] * inv;`);
  if (op === "stats") {
    const center = separateShift ? "shift" : "means";
    emit(`for (let j = 0, mo = 0, a = 0; j < ${k}; j++, mo += ${d}, a += ${stride}) {`);
    emit("const r = lp[j] * inv;");
    for (const t of T) emit(`const u${t} = x${t} - ${center}[mo + ${t}];`);
    for (const t of T) emit(`const g${t} = r * u${t};`);
    emit("acc[a] += r;");
    for (const t of T) emit(`acc[a + ${1 + t}] += g${t};`);
    if (type === "spherical") emit(`acc[a + ${1 + d}] += r * (${T.map((t) => `u${t} * u${t}`).join(" + ")});`);
    else if (type === "diag") for (const t of T) emit(`acc[a + ${1 + d + t}] += g${t} * u${t};`);
    else for (const [a, b] of tri) emit(`acc[a + ${1 + d + a * d + b}] += g${a} * u${b};`);
    emit("}");
  }
  emit("}");
  emit("return llMax + ll + Math.log(product);");
  return out.join("\n");
}

const cache = new Map<string, PassKernel>();

/**
 * The kernel of one pass op for a shape, compiled once per process: fully unrolled when its source
 * is short, else unrolled over the coordinates only, else (very large d) the generic loops of
 * em-kernels.ts.
 */
export function passKernel(type: CovarianceType, d: number, k: number, op: PassOp): PassKernel {
  const key = `${type}/${d}/${k}/${op}`;
  let kernel = cache.get(key);
  if (kernel === undefined) {
    const unrolled = kernelSource(type, d, k, op);
    const looped = unrolled.length <= MAX_SOURCE_LENGTH ? unrolled : loopedKernelSource(type, d, k, op);
    kernel = (looped.length <= MAX_SOURCE_LENGTH ? compile(looped) : null) ?? genericKernel(type, op);
    cache.set(key, kernel);
  }
  return kernel;
}

/**
 * Compiles a kernel body, with expNeg and its tables in scope; null where code generation from
 * strings is disabled (node --disallow-code-generation-from-strings), so the generic loops run.
 */
function compile(body: string): PassKernel | null {
  try {
    const make = new Function("expNeg", "TWO_POW_J64", "TWO_POW_NEG", `return function pass(inp, start, end, acc, resp) {\n${body}\n};`);
    return make(expNeg, TWO_POW_J64, TWO_POW_NEG) as PassKernel;
  } catch (err) {
    if (err instanceof EvalError) return null;
    throw err;
  }
}

function genericKernel(type: CovarianceType, op: PassOp): PassKernel {
  const generic = PASS_KERNELS[type];
  if (op === "loglik") return (inp, start, end) => generic(inp, start, end, null, null);
  if (op === "resp") return (inp, start, end, _acc, resp) => generic(inp, start, end, null, resp);
  if (op === "stats") return (inp, start, end, acc) => generic({ ...inp, shift: inp.means }, start, end, acc, null);
  return (inp, start, end, acc) => generic(inp, start, end, acc, null);
}
