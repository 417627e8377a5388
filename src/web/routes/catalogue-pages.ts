import { Router, type Request } from "express";
import { createVariant, ExerciseError, formChoicesFor, getExercise, listExercises, parseParametrisationText, renderQuestion, renderSolution, withParametrisation } from "../../../exercises";
import { formatShape } from "../../grading";
import { newSeed } from "../../homework/variants";
import { notFound } from "../../http-error";
import { parseParamsText, paramsText } from "../forms/assignment-form";
import { HttpError } from "../../http-error";
import { currentUser, requireUser } from "../middleware/require-user";

function requireInstructor(req: Request): void {
  // The preview shows keys: instructor accounts only; everyone else sees a 404.
  if (currentUser(req).role !== "instructor") throw notFound();
}

/** The exercise catalogue and the preview of any exercise with any seed and parameters (instructors). */
export function cataloguePages(): Router {
  const router = Router();
  router.use("/catalogue", requireUser);

  router.get("/catalogue", (req, res) => {
    requireInstructor(req);
    const topics = new Map<string, ReturnType<typeof listExercises>>();
    for (const e of listExercises()) topics.set(e.topic, [...(topics.get(e.topic) ?? []), e]);
    res.render("catalogue/list", {
      title: "Exercise catalogue",
      topics: [...topics].map(([topic, exercises]) => ({ topic, exercises: exercises.map((e) => ({ ...e, defaults: paramsText(Object.fromEntries(e.params.map((p) => [p.name, p.default]))) })) })),
    });
  });

  router.get("/catalogue/:slug", (req, res) => {
    requireInstructor(req);
    const exercise = getExercise(req.params.slug!);
    if (!exercise) throw notFound("exercise");
    const info = listExercises().find((e) => e.slug === exercise.slug)!;
    const seedText = typeof req.query.seed === "string" ? req.query.seed.trim() : "";
    if (seedText !== "" && !/^\d{1,10}$/.test(seedText)) throw new HttpError(400, "Seed: expected a whole number from 0 to 2147483647");
    const seed = seedText === "" ? newSeed() : Math.min(Number(seedText), 2 ** 31 - 1);
    const paramsInput = typeof req.query.params === "string" ? req.query.params : "";
    const asksInput = typeof req.query.asks === "string" ? req.query.asks : "";
    let error: string | undefined;
    let variant;
    try {
      const asks = parseParametrisationText(asksInput);
      if (!asks.ok) throw new HttpError(400, `Asks for: ${asks.message}`);
      variant = createVariant(exercise.slug, seed, withParametrisation(parseParamsText(paramsInput, "Parameters"), asks.value));
    } catch (err) {
      if (!(err instanceof ExerciseError) && !(err instanceof HttpError)) throw err;
      error = err.message;
      variant = createVariant(exercise.slug, seed, {});
    }
    const question = renderQuestion(variant);
    res.status(error ? 400 : 200).render("catalogue/preview", {
      title: `Preview: ${exercise.title}`,
      info,
      seed,
      paramsInput,
      // The "Asks for" select, when the exercise offers a parametrisation choice (README, "Parametrisations").
      asksOptions: formChoicesFor(exercise.slug).length > 1 ? formChoicesFor(exercise.slug).map((c) => ({ ...c, selected: c.value === asksInput })) : undefined,
      error,
      resolved: paramsText(variant.params),
      questionHtml: question.html,
      parts: question.parts.map((p) => ({ ...p, shapeText: formatShape(p.shape) })),
      solutionHtml: renderSolution(variant),
      json: JSON.stringify({ slug: variant.slug, seed: variant.seed, params: variant.params }),
    });
  });

  return router;
}
