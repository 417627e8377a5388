/**
 * Matching the components of a permutation group (e.g. the k components of a mixture, whose order
 * a student cannot know) to the key's components.
 *
 * Inputs are per part p, per key component i and per submitted component j:
 * `close[p][i][j]` (the submitted component j is within tolerance of key component i) and
 * `error[p][i][j]` (their total relative error), plus the part weights `weight[p]`.
 * A permutation `perm` maps key component i to submitted component `perm[i]`; a part is correct under
 * it when every i has `close[p][i][perm[i]]`.
 */
export type MatchInput = { weight: number[]; close: boolean[][][]; error: number[][][]; k: number };
export type MatchResult = { perm: number[]; correctWeight: number; error: number; method: "brute-force" | "assignment" };

/** Largest k searched exhaustively (7! = 5040 permutations). */
export const BRUTE_FORCE_MAX_K = 7;

function evaluate(input: MatchInput, perm: number[]): { correctWeight: number; error: number } {
  let correctWeight = 0;
  let error = 0;
  for (let p = 0; p < input.weight.length; p++) {
    let ok = true;
    for (let i = 0; i < input.k; i++) {
      if (!input.close[p]![i]![perm[i]!]) ok = false;
      error += input.error[p]![i]![perm[i]!]!;
    }
    if (ok) correctWeight += input.weight[p]!;
  }
  return { correctWeight, error };
}

function better(a: { correctWeight: number; error: number }, b: { correctWeight: number; error: number }): boolean {
  const eps = 1e-12 * Math.max(1, Math.abs(a.correctWeight), Math.abs(b.correctWeight));
  if (a.correctWeight > b.correctWeight + eps) return true;
  if (a.correctWeight < b.correctWeight - eps) return false;
  return a.error < b.error;
}

/**
 * Chooses the permutation that maximizes the weight of correct parts, ties broken by the smallest
 * total relative error, then by the first permutation in lexicographic order (identity first).
 * Exhaustive for k <= 7; beyond that an optimal assignment (Hungarian method) on a per-component
 * cost: weight of the parts whose component pair is not close, then the relative error.
 */
export function matchPermutation(input: MatchInput): MatchResult {
  const { k } = input;
  if (k <= BRUTE_FORCE_MAX_K) {
    const perm = Array.from({ length: k }, (_, i) => i);
    let best = { perm: perm.slice(), ...evaluate(input, perm) };
    // Lexicographic enumeration (next permutation).
    for (;;) {
      let i = k - 2;
      while (i >= 0 && perm[i]! >= perm[i + 1]!) i--;
      if (i < 0) break;
      let j = k - 1;
      while (perm[j]! <= perm[i]!) j--;
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      for (let a = i + 1, b = k - 1; a < b; a++, b--) [perm[a], perm[b]] = [perm[b]!, perm[a]!];
      const score = evaluate(input, perm);
      if (better(score, best)) best = { perm: perm.slice(), ...score };
    }
    return { ...best, method: "brute-force" };
  }
  const positive = input.weight.filter((w) => w > 0);
  const minWeight = positive.length > 0 ? Math.min(...positive) : 1;
  const cost: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      let c = 0;
      for (let p = 0; p < input.weight.length; p++) {
        if (!input.close[p]![i]![j]) c += input.weight[p]!;
        const e = input.error[p]![i]![j]!;
        // Error term in [0, minWeight / (k + 1)) per cell, so k cells never outweigh one part.
        c += (minWeight * (Number.isFinite(e) ? e / (1 + e) : 1)) / ((k + 1) * Math.max(1, input.weight.length));
      }
      row.push(c);
    }
    cost.push(row);
  }
  const perm = hungarian(cost);
  return { perm, ...evaluate(input, perm), method: "assignment" };
}

/**
 * Minimum-cost assignment for a square cost matrix (n x n): returns `assign` with row i matched to
 * column `assign[i]`. O(n^3) Hungarian method with potentials.
 */
export function hungarian(cost: number[][]): number[] {
  const n = cost.length;
  const INF = Number.POSITIVE_INFINITY;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(n + 1).fill(0);
  const p = new Array<number>(n + 1).fill(0); // p[j]: row matched to column j (1-based), 0 = none
  const way = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(n + 1).fill(INF);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const assign = new Array<number>(n).fill(0);
  for (let j = 1; j <= n; j++) if (p[j]! > 0) assign[p[j]! - 1] = j - 1;
  return assign;
}
