import { gradeVariant } from "../../exercises";
import type { ItemRow } from "../db/assignments";
import type { Db } from "../db/client";
import { selectItemSubmissions, updateRegradedSubmissions } from "../db/item-submissions";
import { itemGrading } from "./submit";
import { toRecord } from "./variants";

export type RegradeChange = { submissionId: number; student: string; email: string; attempt: number; oldScore: number; newScore: number };

/**
 * Re-scores every stored submission of an item against its stored key with the item's current
 * tolerance and carried-forward credit. Keys are never recomputed: only the comparison changes. Returns the changed grades;
 * with `apply: false` (the preview) nothing is written.
 */
export async function regradeItem(db: Db, item: ItemRow, byUserId: number, options: { apply: boolean } = { apply: true }): Promise<{ checked: number; changed: RegradeChange[] }> {
  const submissions = await selectItemSubmissions(db, item.id);
  const tolerance = itemGrading(item);
  const updates: Parameters<typeof updateRegradedSubmissions>[3] = [];
  const changed: RegradeChange[] = [];
  for (const s of submissions) {
    const graded = gradeVariant(toRecord(s.variant), JSON.parse(s.raw) as Record<string, unknown>, tolerance);
    if (!graded.ok) continue; // stored submissions were readable when graded; parsing rules only get stricter by code change
    const results = JSON.stringify(graded.parts);
    if (results === s.results && graded.score === s.score) continue;
    updates.push({ submissionId: s.id, results, oldScore: s.score, newScore: graded.score });
    if (graded.score !== s.score) {
      changed.push({ submissionId: s.id, student: s.user.name, email: s.user.email, attempt: s.attempt, oldScore: s.score, newScore: graded.score });
    }
  }
  if (options.apply) await updateRegradedSubmissions(db, item.id, byUserId, updates);
  return { checked: submissions.length, changed };
}
