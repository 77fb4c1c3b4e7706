/** Wrong command-line usage; the CLI prints the message with a hint and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'CLI_USAGE';
}

/** Failure of a well-formed command (unreadable file, invalid KS); the CLI exits with code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly code = 'CLI_COMMAND_FAILED';
}

/** Output streams and environment of one CLI run, injectable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Reads all of standard input, for arguments given as "-". */
  readStdin(): Promise<string>;
  /** Current UNIX time in seconds. */
  nowSeconds(): number;
}
