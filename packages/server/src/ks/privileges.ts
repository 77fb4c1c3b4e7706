import { KsError } from './errors.js';

/** One privilege: a name and an optional value (several values are joined with `/`). */
export interface PrivilegeItem {
  name: string;
  value?: string;
}

/** Privileges grouped by name: values split on `/`, and the raw values as written. */
export interface GroupedPrivileges {
  parsed: Map<string, string[]>;
  raw: Map<string, string[]>;
}

/** Splits a privilege item on its first `:`; with no `:` the value is "". */
export function splitPrivilegeItem(item: string): { name: string; value: string } {
  const colon = item.indexOf(':');
  if (colon === -1) {
    return { name: item, value: '' };
  }

  return { name: item.slice(0, colon), value: item.slice(colon + 1) };
}

/**
 * Parses a v1 privilege string as Kaltura's server does: items split on `,`, each on its first
 * `:`, values on `/`, and a repeated name merges its values (`edit:a,edit:b` gives edit=[a, b]).
 * Empty items are skipped.
 */
export function parseV1Privileges(privileges: string): GroupedPrivileges {
  const parsed = new Map<string, string[]>();
  const raw = new Map<string, string[]>();
  for (const untrimmed of privileges.split(',')) {
    const item = untrimmed.trim();
    if (item === '') {
      continue;
    }

    const { name, value } = splitPrivilegeItem(item);
    const values = parsed.get(name) ?? [];
    const rawValues = raw.get(name) ?? [];
    if (value !== '') {
      values.push(...value.split('/'));
      rawValues.push(value);
    }

    parsed.set(name, values);
    raw.set(name, rawValues);
  }

  return { parsed, raw };
}

/**
 * Rebuilds the privilege string from the privilege fields of a parsed v2 payload. Each field
 * becomes `name` when its value is empty and `name:value` otherwise, joined with `,`. The exact
 * string `all:*` becomes `*`.
 */
export function v2PrivilegesFromFields(fields: ReadonlyMap<string, string>): {
  privileges: string;
  grouped: GroupedPrivileges;
} {
  const items: string[] = [];
  const parsed = new Map<string, string[]>();
  const raw = new Map<string, string[]>();
  for (const [name, value] of fields) {
    items.push(value === '' ? name : `${name}:${value}`);
    parsed.set(name, value === '' ? [] : value.split('/'));
    raw.set(name, value === '' ? [] : [value]);
  }

  const joined = items.join(',');
  return { privileges: joined === 'all:*' ? '*' : joined, grouped: { parsed, raw } };
}

// Field names that a v2 payload reserves for expiry, type, user, master partner and data.
const RESERVED_V2_NAMES = new Set(['_e', '_t', '_u', '_m', '_d']);

const DOTTED_IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Normalizes and validates the privileges given to `mintKs` and returns them as items in order.
 * A string is split on `,` and each item on its first `:`, trimmed, with empty items skipped.
 *
 * Throws KsError KS_INVALID_MINT_INPUT for what a Kaltura-compatible verifier would misread or
 * Kaltura's server rejects. That is `,` inside a value, an empty or reserved name, a NUL byte, and
 * a name with `.`, space or brackets, which PHP's parse_str rewrites. It is also an `iprestrict`
 * that is not a `/`-list of dotted IPv4 addresses, and an `actionslimit` that is not a positive
 * integer.
 */
export function normalizeMintPrivileges(privileges: string | readonly PrivilegeItem[]): PrivilegeItem[] {
  const items: PrivilegeItem[] =
    typeof privileges === 'string'
      ? privileges
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map((item) => splitPrivilegeItem(item))
      : privileges.map((item) => ({ name: item.name, value: item.value ?? '' }));

  for (const item of items) {
    validateMintPrivilege(item.name, item.value ?? '');
  }

  return items;
}

function validateMintPrivilege(name: string, value: string): void {
  const fail = (reason: string): never => {
    throw new KsError('KS_INVALID_MINT_INPUT', `privilege "${name}" ${reason}`);
  };

  if (name === '') {
    throw new KsError('KS_INVALID_MINT_INPUT', 'a privilege has an empty name');
  }

  if (/[,:.\s[\]\0]/.test(name)) {
    fail('has a name with one of , : . [ ] or whitespace');
  }

  if (RESERVED_V2_NAMES.has(name)) {
    fail('uses a name reserved for KS v2 fields');
  }

  if (value.includes(',')) {
    fail('has a "," in its value; use "/" to separate several values');
  }

  if (value.includes('\0')) {
    fail('has a NUL byte in its value');
  }

  if (name === 'iprestrict' && !value.split('/').every((address) => DOTTED_IPV4.test(address))) {
    fail('must be a "/"-separated list of dotted IPv4 addresses');
  }

  if (name === 'actionslimit' && !/^[1-9]\d{0,9}$/.test(value)) {
    fail('must be a positive integer');
  }
}

/** Joins items back into a Kaltura privilege string (`name` or `name:value`, `,`-separated). */
export function formatPrivileges(items: readonly PrivilegeItem[]): string {
  return items.map((item) => (item.value ? `${item.name}:${item.value}` : item.name)).join(',');
}
