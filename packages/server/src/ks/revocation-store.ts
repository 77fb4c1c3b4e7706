/** Storage of revoked KS keys (see revocationKeys); each key expires at its own time. */
export interface KsRevocationStore {
  /** Marks the keys revoked until untilMs (UNIX milliseconds). */
  revoke(keys: string[], untilMs: number): Promise<void>;
  /** Reports whether any of the keys is revoked now. */
  isRevoked(keys: string[]): Promise<boolean>;
}

/**
 * Process-local revocation store for development and tests. Entries are dropped once expired;
 * when maxEntries live entries exist, revoke() throws rather than forget a revocation.
 */
export class InMemoryKsRevocationStore implements KsRevocationStore {
  private readonly revokedUntil = new Map<string, number>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async revoke(keys: string[], untilMs: number): Promise<void> {
    this.prune();
    const newKeys = keys.filter((key) => !this.revokedUntil.has(key));
    if (this.revokedUntil.size + newKeys.length > this.maxEntries) {
      throw new Error(`revocation store is full (${this.maxEntries} live entries)`);
    }

    for (const key of keys) {
      this.revokedUntil.set(key, Math.max(untilMs, this.revokedUntil.get(key) ?? 0));
    }
  }

  async isRevoked(keys: string[]): Promise<boolean> {
    const now = this.nowMs();
    return keys.some((key) => (this.revokedUntil.get(key) ?? 0) > now);
  }

  private prune(): void {
    const now = this.nowMs();
    for (const [key, until] of this.revokedUntil) {
      if (until <= now) {
        this.revokedUntil.delete(key);
      }
    }
  }
}
