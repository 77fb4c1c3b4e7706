import { randomBytes } from 'node:crypto';
import { PARTNER_DEFAULTS, readPartnersFileForEdit, writePartnersFile, type Partner } from '../partners/index.js';
import { integerOption, parseCommandArguments, stringOption } from './arguments.js';
import { UsageError, type CliIo } from './usage-error.js';

export const DEFAULT_PARTNERS_FILE = './orator-partners.json';

/** Id of the first partner added to an empty file. */
const FIRST_PARTNER_ID = 1000;

export const PARTNER_ADD_HELP = `Usage: orator partner add --name NAME [options]

Add a partner with a new random admin secret (32 random bytes, 64 hex digits) to a partners file,
creating the file if needed with mode 0600 (owner read/write only). The secret is printed once;
store it right away. Point the server at the file with ORATOR_PARTNERS_FILE.

Options:
  --name NAME          partner name (required)
  --id ID              partner id (default: the highest id in the file plus 1, or ${FIRST_PARTNER_ID})
  --max-sessions N     maximum concurrent avatar sessions (default ${PARTNER_DEFAULTS.maxConcurrentSessions})
  --file PATH          partners file (default ${DEFAULT_PARTNERS_FILE})
  -h, --help           show this help
`;

export const PARTNER_LIST_HELP = `Usage: orator partner list [--file PATH]

List the partners of a partners file: id, name, enabled, maximum sessions and the number of admin
secrets. Secrets are never printed.

Options:
  --file PATH          partners file (default ${DEFAULT_PARTNERS_FILE})
  -h, --help           show this help
`;

/** Runs `orator partner add`. */
export function runPartnerAdd(args: string[], io: CliIo): number {
  const { values } = parseCommandArguments(
    args,
    { name: { type: 'string' }, id: { type: 'string' }, 'max-sessions': { type: 'string' }, file: { type: 'string' } },
    0,
  );
  if (values.help) {
    io.stdout.write(PARTNER_ADD_HELP);
    return 0;
  }

  const name = stringOption(values, 'name')?.trim();
  if (!name) {
    throw new UsageError('--name is required');
  }

  const file = stringOption(values, 'file') ?? DEFAULT_PARTNERS_FILE;
  const partners = readPartnersFileForEdit(file);
  const requestedId = integerOption(values, 'id', 1, Number.MAX_SAFE_INTEGER);
  const id = requestedId ?? Math.max(FIRST_PARTNER_ID - 1, ...partners.map((partner) => partner.id)) + 1;
  if (partners.some((partner) => partner.id === id)) {
    throw new UsageError(`partner id ${id} already exists in ${file}`);
  }

  const secret = randomBytes(32).toString('hex');
  const partner: Partner = {
    id,
    name,
    adminSecrets: [secret],
    enabled: true,
    maxConcurrentSessions: integerOption(values, 'max-sessions', 1, 1_000_000) ?? PARTNER_DEFAULTS.maxConcurrentSessions,
    ksVersion: PARTNER_DEFAULTS.ksVersion,
    ksMaxExpirySeconds: PARTNER_DEFAULTS.ksMaxExpirySeconds,
  };
  writePartnersFile(file, [...partners, partner]);

  io.stdout.write(`Added partner ${id} (${JSON.stringify(name)}) to ${file}\n`);
  io.stdout.write(`Partner id:    ${id}\n`);
  io.stdout.write(`Admin secret:  ${secret}\n`);
  io.stderr.write(
    'Store the admin secret now, for example in a password manager. It is shown only this once,\nand anyone who has it can mint a KS for this partner.\n',
  );
  return 0;
}

/** Runs `orator partner list`. */
export function runPartnerList(args: string[], io: CliIo): number {
  const { values } = parseCommandArguments(args, { file: { type: 'string' } }, 0);
  if (values.help) {
    io.stdout.write(PARTNER_LIST_HELP);
    return 0;
  }

  const file = stringOption(values, 'file') ?? DEFAULT_PARTNERS_FILE;
  const partners = readPartnersFileForEdit(file);
  if (partners.length === 0) {
    io.stdout.write(`No partners in ${file}\n`);
    return 0;
  }

  const rows = [
    ['ID', 'NAME', 'ENABLED', 'MAX SESSIONS', 'SECRETS'],
    ...partners.map((partner) => [
      String(partner.id),
      partner.name,
      partner.enabled ? 'yes' : 'no',
      String(partner.maxConcurrentSessions),
      String(partner.adminSecrets.length),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  for (const row of rows) {
    io.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column] as number))
        .join('  ')
        .trimEnd()}\n`,
    );
  }

  return 0;
}
