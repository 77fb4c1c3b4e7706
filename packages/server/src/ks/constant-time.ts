import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings without revealing through timing where they differ. Both are hashed with
 * SHA-256 first, so timingSafeEqual gets equal-length inputs even when the strings differ in length.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}
