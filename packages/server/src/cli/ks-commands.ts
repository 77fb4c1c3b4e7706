import { decodeKsUnverified, KsError, MAX_KS_LENGTH, mintKs, verifyKsSignature } from '../ks/index.js';
import { integerOption, parseCommandArguments, stringOption } from './arguments.js';
import { describeExpiry } from './duration.js';
import { CommandError, UsageError, type CliIo } from './usage-error.js';

export const KS_MINT_HELP = `Usage: orator ks mint --partner ID [options]

Mint a KS (Kaltura Session) and print it on standard output, nothing else.

Options:
  --partner ID         partner id (required)
  --secret SECRET      admin secret; defaults to the environment variable ORATOR_ADMIN_SECRET.
                       Prefer the variable: other users of this machine can read command lines.
  --type admin|user    session type (default admin, which the avatar API requires)
  --user ID            user id written into the KS (default: none)
  --expiry SECONDS     lifetime in seconds (default 86400)
  --privileges LIST    Kaltura privileges, for example "sessionid:abc,iprestrict:10.0.0.1"
  --version 1|2        KS format version (default 2)
  -h, --help           show this help
`;

export const KS_INSPECT_HELP = `Usage: orator ks inspect KS [--secret SECRET]

Print the fields of a KS and when it expires. Give "-" as KS to read it from standard input,
which keeps it out of the process list.

Without a secret, a v1 KS shows its fields unverified and a v2 KS (encrypted) only its partner.
With --secret or the environment variable ORATOR_ADMIN_SECRET, the signature is checked and the
command exits with code 1 when it does not match. The secret is never printed.

Options:
  --secret SECRET      admin secret of the KS partner (default: ORATOR_ADMIN_SECRET)
  -h, --help           show this help
`;

const MAX_EXPIRY_SECONDS = 315_360_000;

function adminSecret(values: Record<string, string | boolean | undefined>, io: CliIo): string | undefined {
  const secret = stringOption(values, 'secret') ?? io.env.ORATOR_ADMIN_SECRET;
  return secret === undefined || secret === '' ? undefined : secret;
}

/** Runs `orator ks mint`. */
export function runKsMint(args: string[], io: CliIo): number {
  const { values } = parseCommandArguments(
    args,
    {
      partner: { type: 'string' },
      secret: { type: 'string' },
      type: { type: 'string' },
      user: { type: 'string' },
      expiry: { type: 'string' },
      privileges: { type: 'string' },
      version: { type: 'string' },
    },
    0,
  );
  if (values.help) {
    io.stdout.write(KS_MINT_HELP);
    return 0;
  }

  const partnerId = integerOption(values, 'partner', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (partnerId === undefined) {
    throw new UsageError('--partner is required');
  }

  const secret = adminSecret(values, io);
  if (secret === undefined) {
    throw new UsageError('an admin secret is required: set ORATOR_ADMIN_SECRET or pass --secret');
  }

  const typeName = stringOption(values, 'type') ?? 'admin';
  if (typeName !== 'admin' && typeName !== 'user') {
    throw new UsageError('--type must be admin or user');
  }

  const version = stringOption(values, 'version') ?? '2';
  if (version !== '1' && version !== '2') {
    throw new UsageError('--version must be 1 or 2');
  }

  let ks: string;
  try {
    ks = mintKs({
      version: version === '1' ? 1 : 2,
      partnerId,
      adminSecret: secret,
      type: typeName === 'admin' ? 2 : 0,
      userId: stringOption(values, 'user'),
      expirySeconds: integerOption(values, 'expiry', 1, MAX_EXPIRY_SECONDS) ?? 86_400,
      nowSeconds: io.nowSeconds(),
      privileges: stringOption(values, 'privileges') ?? '',
    });
  } catch (error) {
    if (error instanceof KsError) {
      throw new UsageError(error.message);
    }

    throw error;
  }

  io.stdout.write(`${ks}\n`);
  return 0;
}

function typeLabel(type: number | null): string {
  if (type === null) {
    return 'unknown';
  }

  return type >= 1 ? `admin (${type})` : `user (${type})`;
}

interface PrintableFields {
  type: number | null;
  userId: string | null;
  privileges: string | null;
  validUntil: number | null;
  masterPartnerId: string | null;
  hash: string;
}

function printFields(io: CliIo, fields: PrintableFields): void {
  const line = (label: string, value: string): void => {
    io.stdout.write(`${`${label}:`.padEnd(14)}${value}\n`);
  };

  line('Type', typeLabel(fields.type));
  line('User', fields.userId === null ? '(none)' : JSON.stringify(fields.userId));
  line('Privileges', fields.privileges ? fields.privileges : '(none)');
  line('Expires', describeExpiry(fields.validUntil, io.nowSeconds()));
  if (fields.masterPartnerId) {
    line('Master', fields.masterPartnerId);
  }

  line('Hash', fields.hash);
}

/** Runs `orator ks inspect`. Returns 1 when a secret was given and does not match. */
export async function runKsInspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, { secret: { type: 'string' } }, 1);
  if (values.help) {
    io.stdout.write(KS_INSPECT_HELP);
    return 0;
  }

  let ks = positionals[0];
  if (ks === undefined) {
    throw new UsageError('the KS to inspect is required (or "-" to read it from standard input)');
  }

  if (ks === '-') {
    ks = (await io.readStdin()).slice(0, MAX_KS_LENGTH + 2).trim();
  }

  let decoded: ReturnType<typeof decodeKsUnverified>;
  try {
    decoded = decodeKsUnverified(ks);
  } catch (error) {
    if (error instanceof KsError) {
      throw new CommandError(`not a valid KS: ${error.message}`);
    }

    throw error;
  }

  io.stdout.write(`${'Version:'.padEnd(14)}${decoded.version}\n`);
  io.stdout.write(`${'Partner:'.padEnd(14)}${decoded.partnerId ?? '(not an integer)'}\n`);

  const secret = adminSecret(values, io);
  if (secret !== undefined) {
    try {
      const verified = verifyKsSignature(ks, () => [secret]);
      io.stdout.write(`${'Signature:'.padEnd(14)}verified\n`);
      printFields(io, verified);
      return 0;
    } catch (error) {
      if (!(error instanceof KsError)) {
        throw error;
      }

      io.stdout.write(`${'Signature:'.padEnd(14)}signature does not match\n`);
      if (decoded.version === 1) {
        printFields(io, decoded);
      }

      return 1;
    }
  }

  if (decoded.version === 2) {
    io.stdout.write(`${'Signature:'.padEnd(14)}not checked\n`);
    io.stdout.write('The other fields of a v2 KS are encrypted; give the admin secret (ORATOR_ADMIN_SECRET or --secret) to read them.\n');
    return 0;
  }

  io.stdout.write(`${'Signature:'.padEnd(14)}not checked (fields below are unverified; give the admin secret to check)\n`);
  printFields(io, decoded);
  return 0;
}
