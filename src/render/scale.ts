/** A linear map from a data interval [d0, d1] to a pixel interval [r0, r1]. */
export type Scale = { domain: [number, number]; range: [number, number]; map: (v: number) => number };

/** A "nice" step (1, 2 or 5 times a power of ten) near `span / count`, as `nice * 10^power`. */
function niceParts(span: number, count: number): { nice: number; power: number } {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return { nice: 1, power: 0 };
  let power = Math.floor(Math.log10(raw));
  const f = raw / 10 ** power;
  let nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  if (nice === 10) {
    nice = 1;
    power++;
  }
  return { nice, power };
}

/** Widens an interval too short to tick (a single value) so it has a positive length. */
export function widen(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  // Spans too small relative to the values, or near the denormal range, are padded.
  if (hi - lo > magnitude * 1e-9 && hi - lo > 1e-200) return [lo, hi];
  const mid = lo / 2 + hi / 2;
  const pad = Math.abs(mid) < 1e-200 ? 1 : Math.abs(mid) * 0.1;
  return [mid - pad, mid + pad];
}

/**
 * About `count` nice ticks covering [lo, hi], and the domain extended to the outer ticks.
 * `integer` forces a step of at least 1 (for counts). Ticks are exact decimals (i * nice / 10^k).
 */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): { ticks: number[]; domain: [number, number] } {
  const [a, b] = widen(lo, hi);
  const span = b - a;
  let { nice, power } = Number.isFinite(span) ? niceParts(span, count) : niceParts(b / 2 - a / 2, count / 2);
  if (integer && power < 0) {
    nice = 1;
    power = 0;
  }
  const tick = (i: number) => (power >= 0 ? i * nice * 10 ** power : (i * nice) / 10 ** -power) || 0;
  const step = tick(1);
  let start = Math.floor(a / step);
  let end = Math.ceil(b / step);
  if (tick(start) > a) start--; // a / step can underflow to 0 for tiny negative a
  if (tick(end) < b) end++;
  if (end - start > 50) end = start + 50;
  const ticks: number[] = [];
  for (let i = start; i <= end; i++) ticks.push(tick(i));
  return { ticks, domain: [ticks[0]!, ticks[ticks.length - 1]!] };
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = widen(domain[0], domain[1]);
  const k = (range[1] - range[0]) / (d1 - d0);
  return { domain: [d0, d1], range, map: (v) => range[0] + (v - d0) * k };
}

/** Minimum and maximum of the finite values; undefined when there are none. */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * At most `max` indices of `0..n-1`, evenly spaced and always the same for the same n (no
 * randomness), so large data sets render quickly and identically.
 */
export function subsampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = n / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * stride));
}
