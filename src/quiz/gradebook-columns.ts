/**
 * The course's live quizzes as gradebook columns, in the shape the gradebook takes for other
 * features (`GradebookSource` in src/web/gradebook-source.ts): one column per started quiz, keyed
 * "quiz-<id>", worth its number of questions; a student's points are the graded fractions summed.
 *
 * @example In createApp: `const gradebookExtras: GradebookSource = (courseId) => quizGradebookColumns(db, courseId);`
 */
import type { Db } from "../db/client";
import { selectQuizScores } from "../db/quizzes";
import type { ExtraColumns } from "../homework/gradebook";

export async function quizGradebookColumns(db: Db, courseId: number): Promise<ExtraColumns> {
  const { quizzes, scores } = await selectQuizScores(db, courseId);
  return {
    columns: quizzes.map((q) => ({ id: q.id, key: `quiz-${q.id}`, title: q.title, points: q.points, kind: "quiz" as const })),
    scores: new Map(quizzes.map((q) => [`quiz-${q.id}`, scores.get(q.id) ?? new Map<number, number>()])),
  };
}
