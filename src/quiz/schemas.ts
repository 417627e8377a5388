/** Request bodies of the quiz endpoints (API and page fetches), parsed once at the top of a handler. */
import { z } from "zod";

export const quizItemInput = z.strictObject({
  exercise: z.string({ error: "expected an exercise slug such as \"gaussian-mle\"" }).trim().min(1, { error: "exercise must not be empty" }).max(100),
  params: z.record(z.string(), z.unknown(), { error: "expected params: an object of parameter values such as {\"n\": 6}" }).optional(),
  /** The instructor's own data (exercises/given-data.ts): every student gets exactly it. */
  data: z.unknown().optional(),
  // Checked against the exercise's offers by the registry (exercises/parametrisation.ts).
  parametrisation: z.record(z.string(), z.unknown(), { error: 'expected parametrisation: an object such as {"variance": "sd"}' }).optional(),
});

export const createQuizBody = z.strictObject({
  title: z
    .string({ error: "expected a title" })
    .trim()
    .min(1, { error: "title must not be empty" })
    .max(200, { error: "title is too long (at most 200 characters)" }),
  items: z
    .array(quizItemInput, { error: "expected items: a list of {exercise, params?}" })
    .min(1, { error: "items must contain at least one exercise" })
    .max(30, { error: "at most 30 questions per quiz" }),
  secondsPerQuestion: z
    .number({ error: "secondsPerQuestion must be a whole number of seconds from 5 to 3600" })
    .int({ error: "secondsPerQuestion must be a whole number of seconds from 5 to 3600" })
    .min(5, { error: "secondsPerQuestion must be at least 5" })
    .max(3600, { error: "secondsPerQuestion must be at most 3600 (one hour)" })
    .default(60),
  sharedData: z.boolean({ error: "sharedData must be true (everyone the same data) or false (personal variants)" }).default(true),
});

export const joinBody = z.strictObject({
  code: z
    .string({ error: "expected the join code shown on the projector" })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{4,12}$/, { error: "a join code is 4 to 12 letters and digits, as shown on the projector" }),
});

export const answerBody = z.strictObject({
  index: z.number({ error: "index must be the question number (0-based) the answer is for" }).int({ error: "index must be a whole number" }).min(0),
  answers: z
    .record(z.string().max(100), z.unknown(), { error: "expected answers: an object {part: number, list or text}" })
    .refine((a) => Object.keys(a).length <= 50, { error: "answers has too many parts" }),
});
