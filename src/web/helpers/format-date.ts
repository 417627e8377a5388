/** `{{formatDate date}}`: "Tue 1 Dec 2026, 23:59" in the server's zone; empty for no date. */
export function formatDate(value: unknown): string {
  if (!(value instanceof Date) && typeof value !== "string" && typeof value !== "number") return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleString("en-GB", {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  });
}
