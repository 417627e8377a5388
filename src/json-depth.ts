/**
 * Nesting depth of JSON values, measured without recursion. JSON.parse reads 20,000 nested lists
 * happily, but anything that walks them recursively (JSON.stringify, a comparison, a validator)
 * overflows the stack: bound the depth before walking.
 */

/** Deepest nesting accepted anywhere: request bodies, stored JSON, comparisons. Real bodies use under 10. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `value` nests lists/objects more than `limit` levels deep (a scalar is depth 0, `[1]`
 * depth 1). Iterative, and stops at the first node past the limit.
 */
export function exceedsJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}
