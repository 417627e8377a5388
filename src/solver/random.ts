/**
 * Seeded pseudo-random numbers for the exercise generators.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128 bits of state),
 * with its state filled from a 32-bit seed by splitmix32 so that neighbouring seeds (1, 2, 3, ...)
 * give unrelated streams. Everything is deterministic for a seed: the global, unseeded generator is never used.
 *
 * @example
 *   const rng = createRng(42);
 *   rng.uniform();            // in [0, 1)
 *   rng.int(1, 6);            // a die roll, 1..6 inclusive
 *   rng.normal(0, 0.1);       // a draw from N(0, 0.1^2)
 *   rng.multivariateNormal([0, 0], [[1, 0.5], [0.5, 2]]);
 */
export type Rng = {
  /** The seed the generator was created with (an unsigned 32-bit integer). */
  readonly seed: number;
  /** A uniform draw in [0, 1) with 32 bits of resolution. */
  uniform(): number;
  /** A uniform draw in [lo, hi) (a real number). */
  between(lo: number, hi: number): number;
  /** A uniform integer in lo..hi, both inclusive. Throws when hi < lo or either is not an integer. */
  int(lo: number, hi: number): number;
  /** A draw from N(mean, sd^2) (Marsaglia's polar method; the spare draw is kept for the next call). */
  normal(mean?: number, sd?: number): number;
  /** An index 0..w.length-1 drawn with probability proportional to `weights` (non-negative, not all 0). */
  categorical(weights: readonly number[]): number;
  /** A shuffled copy of `items` (Fisher-Yates); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[];
  /** One uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A draw from N(mean, cov): mean + L z with cov = L L^T (Cholesky); `cov` is d x d, symmetric positive definite. */
  multivariateNormal(mean: readonly number[], cov: readonly (readonly number[])[]): number[];
};

const UINT32 = 4294967296;

/** splitmix32: a 32-bit mixer used to spread one seed over the generator's four state words. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 over four 32-bit words; returns an unsigned 32-bit integer per call. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/**
 * Lower-triangular L with a = L L^T. `a` is d x d symmetric positive definite.
 * @throws Error naming the pivot when `a` is not positive definite.
 */
export function cholesky(a: readonly (readonly number[])[]): number[][] {
  const d = a.length;
  const l: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    if (a[i].length !== d) throw new Error(`cholesky: matrix must be square; row ${i} has ${a[i].length} entries, expected ${d}`);
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let p = 0; p < j; p++) s -= l[i][p] * l[j][p];
      if (i === j) {
        if (!(s > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} is ${s})`);
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

/**
 * A seeded generator. `seed` must be an integer; it is reduced to an unsigned 32-bit value.
 * @throws Error when seed is not a finite integer.
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new Error(`createRng: seed must be an integer, got ${seed}`);
  const seed32 = ((seed % UINT32) + UINT32) % UINT32;
  const mix = splitmix32(seed32);
  const next = sfc32(mix(), mix(), mix(), mix());
  // Discard the first outputs: sfc32's authors recommend a short warm-up.
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;

  const uniform = (): number => next() / UINT32;

  const standardNormal = (): number => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        spare = v * f;
        return u * f;
      }
    }
  };

  const rng: Rng = {
    seed: seed32,
    uniform,
    between(lo, hi) {
      if (!(hi >= lo)) throw new Error(`between: need lo <= hi, got ${lo} and ${hi}`);
      return lo + (hi - lo) * uniform();
    },
    int(lo, hi) {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new Error(`int: need integers lo <= hi, got ${lo} and ${hi}`);
      }
      return lo + Math.floor(uniform() * (hi - lo + 1));
    },
    normal(mean = 0, sd = 1) {
      if (!(sd >= 0)) throw new Error(`normal: sd must be >= 0, got ${sd}`);
      return mean + sd * standardNormal();
    },
    categorical(weights) {
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`categorical: weights must be finite and >= 0, got ${w}`);
        total += w;
      }
      if (!(total > 0)) throw new Error("categorical: weights must not all be 0");
      let u = uniform() * total;
      for (let j = 0; j < weights.length; j++) {
        u -= weights[j];
        if (u < 0) return j;
      }
      // Rounding can leave u at a hair above 0: return the last index with positive weight.
      for (let j = weights.length - 1; j >= 0; j--) if (weights[j] > 0) return j;
      return weights.length - 1;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
      return out;
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error("pick: the array is empty");
      return items[Math.floor(uniform() * items.length)];
    },
    multivariateNormal(mean, cov) {
      const d = mean.length;
      if (cov.length !== d) throw new Error(`multivariateNormal: cov must be ${d} x ${d}, got ${cov.length} rows`);
      const l = cholesky(cov);
      const z = Array.from({ length: d }, () => standardNormal());
      return mean.map((m, i) => {
        let s = m;
        for (let p = 0; p <= i; p++) s += l[i][p] * z[p];
        return s;
      });
    },
  };
  return rng;
}
