/**
 * The lecture's E-step and M-step (MATH.md) written out plainly, independent of the solver and
 * exercises/em-shared.ts: what a student who works on paper would compute from their own numbers.
 */
export type InitialMixture = { weights: number[]; means: number[][]; variances: number[] };

/** M-step from responsibilities r (n x k); variances around `around` (default: the new means). */
export function mStepByHand(x: number[][], r: number[][], around?: number[][]): { weights: number[]; means: number[][]; variances: number[] } {
  const n = x.length;
  const d = x[0].length;
  const k = r[0].length;
  const nk = Array.from({ length: k }, (_, j) => r.reduce((s, row) => s + row[j], 0));
  const means = nk.map((c, j) => Array.from({ length: d }, (_, t) => x.reduce((s, xi, i) => s + r[i][j] * xi[t], 0) / c));
  const m = around ?? means;
  const variances = nk.map((c, j) => x.reduce((s, xi, i) => s + r[i][j] * xi.reduce((q, v, t) => q + (v - m[j][t]) ** 2, 0), 0) / (d * c));
  return { weights: nk.map((c) => c / n), means, variances };
}

/** Responsibilities with the mixing weights left out (the "forgot-weights" E-step mistake), to 4 significant digits. */
export function forgotWeightsByHand(x: number[][], init: InitialMixture): number[][] {
  return x.map((xi) => {
    const dens = init.means.map((mu, j) => {
      const v = init.variances[j];
      const sq = xi.reduce((s, t, i) => s + (t - mu[i]) ** 2, 0);
      return Math.exp(-sq / (2 * v)) / (2 * Math.PI * v) ** (xi.length / 2);
    });
    const total = dens.reduce((a, b) => a + b, 0);
    return dens.map((p) => Number((p / total).toPrecision(4)));
  });
}
