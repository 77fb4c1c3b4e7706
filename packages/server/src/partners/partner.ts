/** A Kaltura partner (account) that may create avatar sessions. */
export interface Partner {
  id: number;
  name: string;
  /** Admin secrets; any of them verifies a KS, the first one signs the KS that Orator mints. */
  adminSecrets: string[];
  enabled: boolean;
  /** Maximum sessions of this partner that may be open at once. */
  maxConcurrentSessions: number;
  /** KS version that `session.start` mints for this partner. */
  ksVersion: 1 | 2;
  /** Cap on the lifetime of a KS minted by `session.start`, in seconds. */
  ksMaxExpirySeconds: number;
}

/** Read access to the configured partners. */
export interface PartnerRegistry {
  get(partnerId: number): Partner | undefined;
  list(): Partner[];
}
