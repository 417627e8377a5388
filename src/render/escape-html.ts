const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML and SVG (element content and quoted attribute values).
 *
 * @example escapeHtml('<script>"x"</script>') // "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"
 */
export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
