import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time that depends on neither their content nor their lengths: both
 * are hashed with SHA-256 first, so timingSafeEqual always sees equal-length inputs.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}
