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

/**
 * Text from an input file or argument, made safe to print: control characters (C0, DEL,
 * C1, which could retitle or clear a terminal) become `\u001b`-style escapes.
 * `keepNewlines` spares line breaks the message itself uses.
 */
export function escapeControl(text: string, keepNewlines = false): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    keepNewlines && c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
