import fc from "fast-check";
import type { Db } from "../../src/db/client";

/**
 * What a hostile or careless student may type into an answer field: arbitrary unicode, numbers
 * in every JS format, numbers spoiled in the usual ways, lists and matrices (ragged, nested,
 * with junk), markup, and huge input.
 */
export function answerInputs(): fc.Arbitrary<unknown> {
  const num = fc.double({ noNaN: false });
  const numText = fc.oneof(
    num.map(String),
    num.map((x) => x.toExponential(3)),
    fc.tuple(fc.integer(), fc.integer()).map(([a, b]) => `${a}/${b}`),
    fc.tuple(num, fc.constantFrom(",", ";", " ", "\t", "\n", "e", "E", "x", "--", "..")).map(([x, s]) => `${x}${s}${x}`),
    fc.constantFrom("", " ", "NaN", "Infinity", "-Infinity", "1e999", "0x1F", "0b101", "0o17", "1,5", "1_000", "١٢٣", "½", "∞", "null", "true", "[]", "[[]]", "{}", "1/0", "0/0"),
  );
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    numText,
    num,
    fc.array(fc.oneof(num, numText), { maxLength: 12 }),
    fc.array(fc.array(fc.oneof(num, numText), { maxLength: 6 }), { maxLength: 6 }),
    fc.array(numText, { maxLength: 8 }).map((a) => a.join(", ")),
    fc.array(fc.array(numText, { maxLength: 4 }), { maxLength: 4 }).map((rows) => rows.map((r) => r.join(" ")).join("\n")),
    fc.constantFrom("<script>alert(1)</script>", "'; DROP TABLE Submission; --", "{{constructor.constructor('x')()}}", "__proto__", "1".repeat(20_000)),
    fc.jsonValue(),
  );
}

/** Row counts of the tables a request could write to. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  return {
    users: await db.user.count(),
    enrollments: await db.enrollment.count(),
    assignments: await db.assignment.count(),
    items: await db.assignmentItem.count(),
    submissions: await db.submission.count(),
    quizzes: await db.quiz.count(),
    quizResponses: await db.quizResponse.count(),
  };
}
