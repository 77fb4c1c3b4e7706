/** Parses a decimal integer field (optionally negative); anything else gives null. */
export function parseIntegerField(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^-?\d{1,15}$/.test(value)) {
    return null;
  }

  return Number(value);
}

/** Parses a partner id field; a value that is not a safe integer means "unknown partner". */
export function parsePartnerIdField(value: string): number | null {
  return parseIntegerField(value);
}
