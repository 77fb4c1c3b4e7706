import { readFileSync } from 'node:fs';
import { PartnerConfigError } from './errors.js';
import type { Partner } from './partner.js';
import { validatePartnerList } from './validate.js';

/** Maximum size of ORATOR_PARTNERS or the partners file, in bytes. */
export const MAX_PARTNERS_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Parses partner JSON without echoing it: a JSON.parse message can quote the input, which
 * contains secrets, so only the position is kept.
 */
export function parsePartnersJson(text: string, source: string): Partner[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_PARTNERS_CONFIG_BYTES) {
    throw new PartnerConfigError('PARTNERS_INVALID', `${source} is larger than ${MAX_PARTNERS_CONFIG_BYTES} bytes`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const where = position === undefined ? '' : ` near character ${position}`;
    throw new PartnerConfigError('PARTNERS_INVALID_JSON', `${source} is not valid JSON${where}`);
  }

  return validatePartnerList(parsed, source);
}

/** Reads and validates a partners file. Throws PartnerConfigError. */
export function readPartnersFile(path: string): Partner[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PartnerConfigError('PARTNERS_FILE_UNREADABLE', `cannot read partners file ${path} (${code})`);
  }

  return parsePartnersJson(text, `partners file ${path}`);
}

/**
 * Loads the configured partners from ORATOR_PARTNERS (a JSON array) or ORATOR_PARTNERS_FILE (a
 * path to a file with the same array). Setting both is an error; setting neither returns an empty
 * list, and the caller decides whether to fall back to createDevelopmentPartner().
 * Throws PartnerConfigError.
 */
export function loadPartners(env: Record<string, string | undefined>): Partner[] {
  const inline = env.ORATOR_PARTNERS;
  const file = env.ORATOR_PARTNERS_FILE;
  const hasInline = inline !== undefined && inline.trim() !== '';
  const hasFile = file !== undefined && file.trim() !== '';

  if (hasInline && hasFile) {
    throw new PartnerConfigError('PARTNERS_SOURCE_CONFLICT', 'set only one of ORATOR_PARTNERS and ORATOR_PARTNERS_FILE');
  }

  if (hasInline) {
    return parsePartnersJson(inline, 'ORATOR_PARTNERS');
  }

  if (hasFile) {
    return readPartnersFile(file.trim());
  }

  return [];
}
