/** `{{isoDate date}}`: machine-readable date for <time datetime> and datetime-local inputs. */
export function isoDate(value: unknown, options?: unknown): string {
  if (!(value instanceof Date) && typeof value !== "string") return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  const local = typeof options === "string" && options === "local";
  if (!local) return d.toISOString();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
