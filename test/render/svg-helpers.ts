/** Checks that an SVG string is well-formed enough: balanced tags, quoted attributes, no NaN. */
export function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith("<svg ")).toBe(true);
  expect(svg.endsWith("</svg>")).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity|null/);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(svg))) {
    // Text between tags must not hold raw "<" or ">" (it must be escaped).
    expect(svg.slice(last, m.index)).not.toMatch(/[<>]/);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(svg.slice(last)).toBe("");
  expect(stack).toEqual([]);
  // Accessible and responsive.
  expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
  expect(svg).toMatch(/^<svg [^>]*role="img"/);
  expect(svg).toMatch(/^<svg [^>]*width="100%"/);
  expect(svg).not.toMatch(/^<svg [^>]*height="\d/);
  expect(svg).toMatch(/^<svg [^>]*><title>/);
}

export function attrs(svg: string, tagName: string, cls?: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const re = new RegExp(`<${tagName}\\s([^>]*?)/?>`, "g");
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg))) {
    const a: Record<string, string> = {};
    for (const [, k, v] of m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)) a[k!] = v!;
    if (cls === undefined || (a.class ?? "").split(" ").includes(cls)) out.push(a);
  }
  return out;
}
