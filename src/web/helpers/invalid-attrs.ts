import { escapeHtml } from "../../render/escape-html";

/**
 * `{{{invalidAttrs @root.fieldError "title"}}}`: marks the input a form error is about (red
 * outline, described by the message, focused on load) and nothing on any other input.
 */
export function invalidAttrs(fieldError: unknown, name: unknown): string {
  const field = (fieldError as { field?: unknown } | undefined)?.field;
  if (typeof field !== "string" || field !== String(name)) return "";
  return ` aria-invalid="true" aria-describedby="error-${escapeHtml(field)}" autofocus`;
}
