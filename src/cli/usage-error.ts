/** A problem with what the user gave the CLI: printed as one line, exit status 2, no stack. */
export class UsageError extends Error {
  override name = "UsageError";
}
