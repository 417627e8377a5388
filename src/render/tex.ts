import katex from "katex";

/** Most distinct formulas kept; beyond it the oldest is dropped. */
const CACHE_LIMIT = 2000;
const cache = new Map<string, string>();

/**
 * Renders LaTeX to HTML with KaTeX (HTML for display plus MathML for screen readers), on the
 * server. Invalid LaTeX renders as red source text instead of throwing; `\href`, `\url` and
 * other trusted commands are disabled, so the result is safe to insert unescaped.
 *
 * @example tex("\\hat\\mu = \\frac{1}{n}\\sum_i x_i", { display: true })
 */
export function tex(source: string, opts: { display?: boolean } = {}): string {
  const display = opts.display === true;
  const cacheKey = `${display ? "D" : "I"}${source}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;
  const html = katex.renderToString(String(source), {
    displayMode: display,
    output: "htmlAndMathml",
    throwOnError: false,
    trust: false,
    strict: "ignore",
    maxSize: 20,
    maxExpand: 1000,
  });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(cacheKey, html);
  return html;
}
