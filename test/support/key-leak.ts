/** Every number in a key (scalars, vectors, matrices), flattened. */
export function keyNumbers(key: Record<string, unknown>): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "number") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
  };
  Object.values(key).forEach(walk);
  return out;
}

/**
 * The ways a key value could be printed (String, toPrecision 4-10, toFixed 3-6), keeping only
 * forms with at least `minDigits` significant digits that do not occur in the variant's own data
 * (a data value may coincide with a short rounding of the key).
 */
export function keyFormats(key: Record<string, unknown>, data: unknown, minDigits = 4): string[] {
  const dataText = JSON.stringify(data);
  const forms = new Set<string>();
  for (const v of keyNumbers(key)) {
    if (!Number.isFinite(v) || Number.isInteger(v)) continue;
    const candidates = [String(v), ...[4, 5, 6, 7, 8, 10].map((p) => v.toPrecision(p)), ...[3, 4, 5, 6].map((d) => v.toFixed(d))];
    for (const c of candidates) {
      const digits = c.replace(/^-?0\.0*/, "").replace(/[^0-9]/g, "").replace(/0+$/, "");
      if (digits.length >= minDigits && !dataText.includes(c)) {
        forms.add(c);
        forms.add(c.replace("-", "−")); // typographic minus, as KaTeX and pretty printers write it
      }
    }
  }
  return [...forms];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The key forms found in a response body (empty when nothing leaks). A form counts only as a whole
 * number and not as a CSS length: "0.1667" inside an SVG coordinate "30.16671", or KaTeX's thin
 * space "margin-right:0.1667em", is not the key 1/6.
 */
export function leakedForms(body: string, key: Record<string, unknown>, data: unknown, minDigits = 4): string[] {
  // SVG path geometry is drawing coordinates, never a value shown to the student: KaTeX's tall
  // delimiters (∥ in the spherical Gaussian's log-likelihood) carry "c2.667,10,9.667,15" whatever
  // the data, which matched a mean of 8/3.
  const text = body.replace(/ d=(\\?)"[^"]*\1"/g, "");
  return keyFormats(key, data, minDigits).filter((f) => new RegExp(`(?<![0-9.])${escapeRegExp(f)}(?![0-9]|em\\b|ex\\b|px\\b)`).test(text));
}
