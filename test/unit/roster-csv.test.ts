import { parseRosterCsv } from "../../src/auth/roster-csv";

describe("parseRosterCsv", () => {
  test("reads a header in any column order, quotes, BOM and CRLF", () => {
    const r = parseRosterCsv('\uFEFFName,E-mail\r\n"Lovelace, Ada",ada@example.edu\r\nAlan Turing,alan@example.edu\r\n');
    expect(r).toEqual({ ok: true, rows: [{ email: "ada@example.edu", name: "Lovelace, Ada" }, { email: "alan@example.edu", name: "Alan Turing" }] });
  });
  test("without a header the email is the cell with an @; semicolons and tabs work", () => {
    expect(parseRosterCsv("ada@example.edu;Ada\nBob;bob@example.edu")).toEqual({ ok: true, rows: [{ email: "ada@example.edu", name: "Ada" }, { email: "bob@example.edu", name: "Bob" }] });
    expect(parseRosterCsv("ada@example.edu\tAda")).toEqual({ ok: true, rows: [{ email: "ada@example.edu", name: "Ada" }] });
  });
  test("a missing name falls back to the email's local part", () => {
    expect(parseRosterCsv("ada@example.edu")).toEqual({ ok: true, rows: [{ email: "ada@example.edu", name: "ada" }] });
  });
  test("errors name the line", () => {
    expect(parseRosterCsv("email,name\nada@example.edu,Ada\nbroken,Bob")).toEqual({ ok: false, error: 'Line 3: expected an email address, got "broken".' });
    expect(parseRosterCsv("   \n")).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
    expect(parseRosterCsv("email,name\n")).toMatchObject({ ok: false, error: expect.stringMatching(/no students/) });
  });
});
