// `aup`: the technicians' and administrators' command line (DESIGN.md "CLI"). Exit codes: 0 success,
// 1 runtime failure, 2 bad input or invalid config (every problem printed), 3 ledger tampered.
import { ArgumentError, EXIT, UsageError, printProblems, type CliIo } from './io.ts';
import { commandHelp, groupHelp, groupOf, usage } from './help.ts';
import { checkoutResources, type Resources } from '../config/resources.ts';
import { configSchema, configValidate, policyList, policyResolve, rosterHashPin, schoolYear } from './commands-setup.ts';
import { ledgerVerify, report, status } from './commands-ledger.ts';
import { ledgerImport } from './commands-ledger-import.ts';
import { rosterImport } from './commands-roster.ts';
import { evidence } from './commands-evidence.ts';
import { policyAdd, policyCheck, policyShow } from './commands-policy.ts';
import { dbMigrate } from './commands-central.ts';
import { serviceRun, serviceStatus } from './commands-service.ts';

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Every command, by the name typed after `aup`; each has its help in help.ts under the same name. */
export const COMMANDS: Record<string, Command> = {
  'config validate': configValidate,
  'config schema': configSchema,
  'policy list': policyList,
  'policy resolve': policyResolve,
  'policy add': policyAdd,
  'policy check': policyCheck,
  'policy show': policyShow,
  'school-year': schoolYear,
  'roster hash-pin': rosterHashPin,
  status,
  report,
  'ledger verify': ledgerVerify,
  'ledger import': (args, io) => ledgerImport(args, io),
  evidence,
  'roster import': rosterImport,
  'db migrate': dbMigrate,
  'service run': serviceRun,
  'service status': serviceStatus,
};

/** `aup --help`: made from help.ts, where every command's help is. */
export const USAGE = usage(Object.keys(COMMANDS));

/** `--help` or `-h` anywhere before a `--` (after which everything is a file name). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'help' && argv.length > 1) return runCli([...argv.slice(1), '--help'], io);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT.badInput : EXIT.ok;
  }
  const names = Object.keys(COMMANDS);
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const [name, rest] = COMMANDS[two] ? [two, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) {
    const group = argv[0]!;
    if (groupOf(group, names).length > 0) {
      // `aup config`: the group's commands (exit 2 run bare, like `aup` alone; 0 with --help).
      if (argv.length === 1 || (argv[1]!.startsWith('-') && asksHelp(argv.slice(1)))) {
        io.out(groupHelp(group, names));
        return argv.length === 1 ? EXIT.badInput : EXIT.ok;
      }
      io.err(`aup: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${groupHelp(group, names)}`);
      return EXIT.badInput;
    }
    io.err(`aup: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  if (asksHelp(rest)) {
    io.out(commandHelp(name));
    return EXIT.ok;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`aup ${name}: ${error.message}${error instanceof ArgumentError ? ` ("aup ${name} --help" lists its options)` : ''}\n`);
      printProblems(io, error.problems);
      return EXIT.badInput;
    }
    // Unexpected: one line for the person, no stack trace (AUP_DEBUG=1 shows it).
    io.err(`aup ${name}: failed: ${(error as Error)?.message ?? error}\n`);
    if (io.env.AUP_DEBUG) io.err(`${(error as Error)?.stack}\n`);
    return EXIT.failure;
  }
}

/** The real process's streams. `resources`: the packaged app's and the single executable's own folders. */
export function processIo(resources: Resources = checkoutResources()): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    now: () => new Date(),
    resources,
  };
}
