/** KS session types. Kaltura's server treats every type >= 1 as an admin session. */
export const KS_TYPE_USER = 0;
export const KS_TYPE_ADMIN = 2;

/** Fields of a KS whose signature matched one of the partner's admin secrets. */
export interface VerifiedKs {
  version: 1 | 2;
  partnerId: number;
  /** Absolute UNIX time in seconds; the KS is valid while now < validUntil. Null counts as expired. */
  validUntil: number | null;
  /** Session type, 0 (user) or 2 (admin) in practice; an unparsable value reads as 0. */
  type: number;
  /** Whether type >= 1, the rule Kaltura's server applies. */
  isAdmin: boolean;
  /** User id; null when the KS carries none, "" when it carries an empty one. */
  userId: string | null;
  /** Privilege string as Kaltura rebuilds it; a v2 `all:*` reads back as `*`. */
  privileges: string;
  /**
   * Privileges by name, values split on `/`. Repeated names are merged in v1 and collapse to the
   * last value in v2, as on Kaltura's server.
   */
  parsedPrivileges: Map<string, string[]>;
  /** Revocation identity: the v1 hex signature, or the hex SHA-1 `H` of a v2 payload. */
  hash: string;
  masterPartnerId: string | null;
  additionalData: string | null;
}

/** Parsed KS plus what only the verifier needs. */
export interface ParsedKs extends VerifiedKs {
  /** Raw (unsplit) privilege values by name, in order; used where `/` is part of a value. */
  rawPrivilegeValues: Map<string, string[]>;
}

/** Returns the admin secrets of a partner, or undefined (or an empty list) when it is unknown. */
export type AdminSecretsLookup = (partnerId: number) => readonly string[] | undefined;
