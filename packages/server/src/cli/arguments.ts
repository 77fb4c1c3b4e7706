import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed options (string or boolean values) and positionals of one command. */
export interface ParsedArguments {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses with node:util parseArgs in strict mode; its errors become UsageError. */
export function parseCommandArguments(args: string[], options: Options, maxPositionals: number): ParsedArguments {
  let parsed: ParsedArguments;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArguments;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }

  return parsed;
}

/** Reads an integer option within [min, max]; undefined when absent. Throws UsageError. */
export function integerOption(values: ParsedArguments['values'], name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) {
    return undefined;
  }

  if (typeof raw !== 'string' || !/^-?\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }

  return Number(raw);
}

/** Reads a string option; undefined when absent. */
export function stringOption(values: ParsedArguments['values'], name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}
