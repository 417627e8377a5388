/** A subcommand: runs with the arguments after its name and resolves to the exit status. */
export type Command = {
  /** One line for `likely --help`. */
  summary: string;
  /** e.g. "solve [FILE]" */
  usage: string;
  run(args: string[]): Promise<number>;
};
