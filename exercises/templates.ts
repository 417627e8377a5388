/**
 * Handlebars for exercise questions and worked solutions, on a private instance (the web app's
 * global instance is left alone). Every interpolation is escaped; triple-stash appears only for
 * HTML made safe by a helper here (KaTeX output, SVG from src/render).
 *
 * Helpers: `{{#math}}TeX{{/math}}` inline math, `{{#dmath}}TeX{{/dmath}}` display math (the block
 * content may interpolate numbers: `{{#math}}n = {{n}}{{/math}}`), `{{tex src}}` / `{{dtex src}}`
 * for TeX built in code, `{{num x}}` a number to 4 significant digits.
 * Partials: `{{> dataTable table}}`, `{{> plot plot}}`.
 */
import fs from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { escapeHtml, formatNumber, tex } from "../src/render";
import type { PartSpec, Value } from "../src/grading";
import { formatShape } from "../src/grading";
import type { DataTable, WorkedSolution } from "./contract";
import { texMat, texNum, texVec } from "./tex";

const hbs = Handlebars.create();

/** TeX -> KaTeX HTML (src/render memoises repeated formulas). */
function texHtml(source: string, display: boolean): string {
  return tex(source, { display });
}

/** Handlebars escapes & < > " ' ` = in interpolations; TeX needs the characters back. */
function unescapeTex(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, "`")
    .replace(/&#x3D;/g, "=")
    .replace(/&amp;/g, "&");
}

hbs.registerHelper("math", function (this: unknown, options: Handlebars.HelperOptions) {
  return new hbs.SafeString(texHtml(unescapeTex(options.fn(this)).trim(), false));
});
hbs.registerHelper("dmath", function (this: unknown, options: Handlebars.HelperOptions) {
  return new hbs.SafeString(`<div class="math-display">${texHtml(unescapeTex(options.fn(this)).trim(), true)}</div>`);
});
hbs.registerHelper("tex", (source: unknown) => new hbs.SafeString(texHtml(String(source), false)));
hbs.registerHelper("dtex", (source: unknown) => new hbs.SafeString(`<div class="math-display">${texHtml(String(source), true)}</div>`));
hbs.registerHelper("num", (x: unknown) => (typeof x === "number" ? formatNumber(x) : String(x)));

/** Rows shown before the table is cut to a summary (the rest is in the download). */
export const MAX_TABLE_ROWS = 40;
const SHOWN_WHEN_CUT = 10;

export function tableView(table: DataTable): Record<string, unknown> {
  const truncated = table.rows.length > MAX_TABLE_ROWS;
  const rows = truncated ? table.rows.slice(0, SHOWN_WHEN_CUT) : table.rows;
  return {
    columns: table.columns,
    // One column of numbers (a 1-D sample) reads better wrapped than as one tall column on a phone.
    single: table.columns.length === 1,
    rows: rows.map((cells, i) => ({ index: i + 1, cells: cells.map((c) => String(c)) })),
    truncated,
    shown: rows.length,
    total: table.rows.length,
  };
}

/** Finds a template in the source tree, from the sources (ts-jest) or from the compiled dist/. */
function templateFile(relative: string): string {
  const candidates = [path.join(__dirname, relative), path.join(__dirname, "..", "..", "exercises", relative)];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`exercise template ${relative} not found (looked in ${candidates.join(", ")})`);
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();
function template(relative: string): Handlebars.TemplateDelegate {
  let t = compiled.get(relative);
  if (!t) {
    t = hbs.compile(fs.readFileSync(templateFile(relative), "utf8"), { strict: true, noEscape: false });
    compiled.set(relative, t);
  }
  return t;
}

hbs.registerPartial("dataTable", (ctx: unknown) => template("partials/data-table.hbs")(ctx));
hbs.registerPartial("plot", (ctx: unknown) => template("partials/plot.hbs")(ctx ?? {}));

/** The full question HTML: the exercise's own template wrapped with its title and answer parts. */
export function renderQuestionHtml(opts: {
  slug: string;
  title: string;
  context: Record<string, unknown>;
  parts: PartSpec[];
  /** A sentence saying which parametrisation the item asks for (parametrisation.ts), if not the lecture's. */
  note?: string;
}): string {
  const body = template(`${opts.slug}/question.hbs`)(opts.context);
  return template("partials/question.hbs")({
    slug: opts.slug,
    title: opts.title,
    body,
    note: opts.note ?? "",
    parts: opts.parts.map((p) => ({ label: p.label, shape: formatShape(p.shape) })),
  });
}

/** Significant digits of numbers in rendered solutions (and in the key table). */
export const KEY_DIGITS = 6;

function valueHtml(v: Value): string {
  if (typeof v === "number") return `<span class="num">${escapeHtml(formatNumber(v, KEY_DIGITS))}</span>`;
  const rows = (Array.isArray(v[0]) ? (v as number[][]) : [v as number[]]).map(
    (row) => `<tr>${row.map((x) => `<td>${escapeHtml(formatNumber(x, KEY_DIGITS))}</td>`).join("")}</tr>`,
  );
  return `<div class="table-scroll"><table class="value-table">${rows.join("")}</table></div>`;
}

/** TeX for a value in a solution step. */
export function texValue(v: Value, sig = KEY_DIGITS): string {
  if (typeof v === "number") return texNum(v, sig);
  return Array.isArray(v[0]) ? texMat(v as number[][], sig) : texVec(v as number[], sig);
}

/** The worked solution: each step's title, prose, TeX and numbers, then the key per part. */
export function renderSolutionHtml(opts: { solution: WorkedSolution; parts: PartSpec[]; key: Record<string, Value> }): string {
  const steps = opts.solution.steps.map((step) => {
    const numbers = (step.numbers ?? [])
      .map((n) => `<li>${texHtml(`${n.label} = ${texValue(n.value)}`, false)}</li>`)
      .join("");
    return [
      // The <ol> numbers the steps; the heading sits under the section's h2.
      `<li class="solution-step"><h3>${escapeHtml(step.title)}</h3>`,
      step.text ? `<p>${escapeHtml(step.text)}</p>` : "",
      step.tex ? `<div class="math-display">${texHtml(step.tex, true)}</div>` : "",
      numbers ? `<ul class="solution-numbers">${numbers}</ul>` : "",
      "</li>",
    ].join("");
  });
  const answers = opts.parts.map(
    (p) => `<tr><th scope="row">${escapeHtml(p.label)}</th><td>${valueHtml(opts.key[p.name])}</td></tr>`,
  );
  return [
    `<section class="worked-solution"><ol class="solution-steps">${steps.join("")}</ol>`,
    `<h3>Answer</h3><div class="table-scroll"><table class="answer-table">${answers.join("")}</table></div></section>`,
  ].join("");
}
