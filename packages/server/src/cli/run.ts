import { PartnerConfigError } from '../partners/index.js';
import { KS_INSPECT_HELP, KS_MINT_HELP, runKsInspect, runKsMint } from './ks-commands.js';
import { PARTNER_ADD_HELP, PARTNER_LIST_HELP, runPartnerAdd, runPartnerList } from './partner-commands.js';
import { CommandError, UsageError, type CliIo } from './usage-error.js';

export const ROOT_HELP = `Usage: orator <command> [options]

Commands:
  ks mint          mint a KS (Kaltura Session) for a partner
  ks inspect       show the fields and expiry of a KS, and check it against a secret
  partner add      add a partner with a new admin secret to a partners file
  partner list     list the partners of a partners file (without secrets)

Run "orator <command> --help" for the options of a command.
`;

const KS_HELP = `Usage: orator ks <mint|inspect> [options]\n\n${KS_MINT_HELP}\n${KS_INSPECT_HELP}`;
const PARTNER_HELP = `Usage: orator partner <add|list> [options]\n\n${PARTNER_ADD_HELP}\n${PARTNER_LIST_HELP}`;

type Command = (args: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { help: string; subcommands: Record<string, Command> }> = {
  ks: { help: KS_HELP, subcommands: { mint: runKsMint, inspect: runKsInspect } },
  partner: { help: PARTNER_HELP, subcommands: { add: runPartnerAdd, list: runPartnerList } },
};

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [group, subcommand, ...rest] = argv;
  // Requested help goes to standard output. Help shown because the command is missing is a usage
  // error, so it goes to standard error.
  if (group === undefined || isHelp(group)) {
    (group === undefined ? io.stderr : io.stdout).write(ROOT_HELP);
    return group === undefined ? 2 : 0;
  }

  const entry = COMMANDS[group];
  if (entry === undefined) {
    throw new UsageError(`unknown command "${group}"`);
  }

  if (subcommand === undefined || isHelp(subcommand)) {
    (subcommand === undefined ? io.stderr : io.stdout).write(entry.help);
    return subcommand === undefined ? 2 : 0;
  }

  const command = entry.subcommands[subcommand];
  if (command === undefined) {
    throw new UsageError(`unknown command "${group} ${subcommand}"`);
  }

  return command(rest, io);
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 when a command fails (unreadable file,
 * invalid KS, signature mismatch), 2 on wrong usage.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`orator: ${error.message}\nRun "orator --help" for usage.\n`);
      return 2;
    }

    if (error instanceof CommandError || error instanceof PartnerConfigError) {
      io.stderr.write(`orator: ${error.message}\n`);
      return 1;
    }

    throw error;
  }
}
