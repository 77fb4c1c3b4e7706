import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One golden KS with the fields it must verify to. */
export interface KsVector {
  name: string;
  ks: string;
  randomHex?: string;
  expect: {
    version: 1 | 2;
    partnerId: number;
    validUntil: number;
    type: number;
    userId: string;
    privileges: string;
    hash: string;
  };
}

/** Golden KS vectors computed by two independent implementations of the format. */
export interface KsVectorFixture {
  adminSecret: string;
  partnerId: number;
  verifyAt: number;
  vectors: KsVector[];
}

// The repository root is four directories above this one (packages/server/test/ks), and the
// fixtures live next to it in ../shared.
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export const KS_VECTORS_PATH = resolve(repositoryRoot, '../shared/fixtures/ks-vectors.json');

/**
 * Loads the golden vectors. When the file is missing, returns the reason to skip, unless
 * CI is 'true', where a missing fixture must fail the run instead of passing silently.
 */
export function loadKsVectors(): { fixture: KsVectorFixture; skip: false } | { fixture: null; skip: string } {
  if (!existsSync(KS_VECTORS_PATH)) {
    const reason = `KS golden vectors not found at ${KS_VECTORS_PATH}`;
    if (process.env.CI === 'true') {
      throw new Error(`${reason}; CI needs them (check out the shared fixtures next to the repository)`);
    }

    return { fixture: null, skip: `${reason}; skipped outside CI` };
  }

  const fixture = JSON.parse(readFileSync(KS_VECTORS_PATH, 'utf8')) as KsVectorFixture;
  if (!Array.isArray(fixture.vectors) || fixture.vectors.length < 2) {
    throw new Error(`KS golden vector file ${KS_VECTORS_PATH} has fewer than 2 vectors`);
  }

  return { fixture, skip: false };
}
