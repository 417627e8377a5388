import type { ExtraColumns } from "../homework/gradebook";

/** Supplies gradebook columns from other features (the live quizzes) for a course. */
export type GradebookSource = (courseId: number) => Promise<ExtraColumns>;
