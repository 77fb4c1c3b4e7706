/** Console logger with a level threshold. Callers never pass tokens or KS strings to it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in RANK;
}

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export function createLogger(level: LogLevel, sink: Pick<Console, LogLevel> = console): Logger {
  const threshold = RANK[level];
  const write =
    (at: LogLevel) =>
    (message: string, ...details: unknown[]): void => {
      if (RANK[at] >= threshold) sink[at](`[orator-sdk] ${message}`, ...details);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
