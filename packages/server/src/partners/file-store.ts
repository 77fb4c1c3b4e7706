import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import { PartnerConfigError } from './errors.js';
import { readPartnersFile } from './load.js';
import type { Partner } from './partner.js';
import { validatePartnerList } from './validate.js';

/** Reads a partners file for editing; a missing file is an empty list. Throws PartnerConfigError. */
export function readPartnersFileForEdit(path: string): Partner[] {
  return existsSync(path) ? readPartnersFile(path) : [];
}

/**
 * Writes a partners file readable by its owner only (mode 0600), because it contains admin
 * secrets. The list is validated first, then written to a temporary file in the same
 * directory and renamed over the target, so readers never see half a file.
 * Throws PartnerConfigError.
 */
export function writePartnersFile(path: string, partners: readonly Partner[]): void {
  validatePartnerList(partners, `partners for ${path}`);

  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const descriptor = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(descriptor, `${JSON.stringify(partners, null, 2)}\n`);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }

    // The umask may have narrowed the mode further but never widened it; chmod makes it exact.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    if (existsSync(temporary)) {
      unlinkSync(temporary);
    }

    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PartnerConfigError('PARTNERS_FILE_UNWRITABLE', `cannot write partners file ${path} (${code})`);
  }
}
