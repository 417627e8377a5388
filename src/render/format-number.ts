/**
 * Formats a number for display with `significant` significant digits (default 4): never "-0",
 * exponent form (`1.5e-5`, `2.5e6`) for |x| < 1e-4 or |x| >= 1e6, trailing zeros dropped.
 * Non-finite values print as "∞", "-∞" and "n/a" (never "NaN").
 *
 * @example formatNumber(0.123456) // "0.1235"
 * @example formatNumber(1234567) // "1.235e6"
 */
export function formatNumber(x: number, significant = 4): string {
  if (Number.isNaN(x) || typeof x !== "number") return "n/a";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "-∞";
  const digits = Math.min(21, Math.max(1, Math.round(Number.isFinite(significant) ? significant : 4)));
  if (x === 0) return "0";
  const precise = Number(x.toPrecision(digits));
  // Rounding can overflow (-1.5e308 to one digit is -2e308): keep x for the exponent form.
  const rounded = Number.isFinite(precise) ? precise : x;
  if (rounded === 0) return "0";
  const abs = Math.abs(rounded);
  if (abs < 1e-4 || abs >= 1e6) {
    const [mantissa, exponent] = rounded.toExponential(digits - 1).split("e") as [string, string];
    const m = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
    return `${m}e${exponent.replace(/^\+/, "")}`;
  }
  return String(rounded);
}
