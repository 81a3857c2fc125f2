// Errors the CLI turns into a one-line message and an exit code, never a stack trace.

/** Unusable input: missing file, missing column, bad config. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The work itself failed (an upload that could not finish). Exit code 1. */
export class RunError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}
