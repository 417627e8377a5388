import { z } from "zod";

export type RosterCsvResult = { ok: true; rows: { email: string; name: string }[] } | { ok: false; error: string };

const emailSchema = z.email();

/** Splits one CSV line on the delimiter, honouring double quotes ("" inside quotes is a quote). */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { cells.push(cell); cell = ""; }
    else cell += c;
  }
  cells.push(cell);
  return cells.map((s) => s.trim());
}

/**
 * Reads a roster exported from a spreadsheet or LMS: columns email and name in either order
 * (found by a header row when there is one, else by which cell holds an @), separated by commas,
 * semicolons or tabs. Errors name the line and say what was expected.
 */
export function parseRosterCsv(text: string, maxRows = 2000): RosterCsvResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => l.trim() !== "");
  if (lines.length === 0) return { ok: false, error: "The roster is empty: expected lines of email,name." };
  const first = lines[0]!.l;
  const delimiter = first.includes("\t") ? "\t" : first.includes(";") && !first.includes(",") ? ";" : ",";
  let emailCol = -1;
  let nameCol = -1;
  const header = splitLine(first, delimiter).map((h) => h.toLowerCase());
  const isEmailHeading = (h: string) => /^e-?mail/.test(h) && !h.includes("@");
  if (header.some(isEmailHeading)) {
    emailCol = header.findIndex(isEmailHeading);
    nameCol = header.findIndex((h, i) => i !== emailCol && /name/.test(h));
    lines.shift();
  }
  const rows: { email: string; name: string }[] = [];
  for (const { l, n } of lines) {
    const cells = splitLine(l, delimiter);
    const e = emailCol >= 0 ? emailCol : cells.findIndex((c) => c.includes("@"));
    const email = cells[e] ?? "";
    // The sign-in form and the API take at most 254 characters (RFC 5321): a longer address could never sign in.
    if (email.length > 254) return { ok: false, error: `Line ${n}: the email address is longer than 254 characters.` };
    if (e < 0 || !emailSchema.safeParse(email).success) {
      return { ok: false, error: `Line ${n}: expected an email address${e >= 0 ? `, got "${email.slice(0, 60)}"` : ""}.` };
    }
    const nameCell = nameCol >= 0 ? cells[nameCol] : cells.find((_c, i) => i !== e);
    const name = (nameCell ?? "").trim() || email.split("@")[0]!;
    if (name.length > 200) return { ok: false, error: `Line ${n}: the name is longer than 200 characters.` };
    rows.push({ email, name });
    if (rows.length > maxRows) return { ok: false, error: `At most ${maxRows} students per import.` };
  }
  if (rows.length === 0) return { ok: false, error: "The roster has a header but no students." };
  return { ok: true, rows };
}
