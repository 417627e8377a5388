/** Prisma's unique-constraint violation (P2002): a parallel request won a race on a unique key. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}
