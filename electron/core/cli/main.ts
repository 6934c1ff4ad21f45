// `aup`: the technicians' and administrators' command line (docs/design.md "CLI"). Exit codes: 0 success,
// 1 runtime failure, 2 bad input or invalid config (every problem printed), 3 ledger tampered.
import { ArgumentError, EXIT, UsageError, printProblems, type CliIo } from './io.ts';
import { commandHelp, groupHelp, groupOf, usage } from './help.ts';
import { checkoutResources, type Resources } from '../config/resources.ts';
import { fileErrorWords } from '../config/problems.ts';
import { APP_VERSION } from '../version.ts';
type Command = (args: string[], io: CliIo) => Promise<number>;

/**
 * A command whose module is loaded when it runs, not when `aup` starts: `aup school-year` does not
 * pay for the database driver, the LDAP client or the report pages (in the built CLI, a dynamically
 * imported module is evaluated only when it is first imported).
 */
function lazy<M extends Record<K, Command>, K extends string>(load: () => Promise<M>, name: K): Command {
  return async (args, io) => (await load())[name](args, io);
}

const setup = () => import('./commands-setup.ts');
const ledger = () => import('./commands-ledger.ts');
const policy = () => import('./commands-policy.ts');
const service = () => import('./commands-service.ts');
const dbMachines = () => import('./commands-db-machines.ts');

/** Every command, by the name typed after `aup`; each has its help in help.ts under the same name. */
export const COMMANDS: Record<string, Command> = {
  'config validate': lazy(setup, 'configValidate'),
  'config schema': lazy(setup, 'configSchema'),
  'policy list': lazy(setup, 'policyList'),
  'policy resolve': lazy(setup, 'policyResolve'),
  'policy add': lazy(policy, 'policyAdd'),
  'policy check': lazy(policy, 'policyCheck'),
  'policy show': lazy(policy, 'policyShow'),
  'school-year': lazy(setup, 'schoolYear'),
  'roster hash-pin': lazy(setup, 'rosterHashPin'),
  status: lazy(ledger, 'status'),
  report: lazy(ledger, 'report'),
  'ledger verify': lazy(ledger, 'ledgerVerify'),
  'ledger import': async (args, io) => (await import('./commands-ledger-import.ts')).ledgerImport(args, io),
  evidence: lazy(() => import('./commands-evidence.ts'), 'evidence'),
  'roster import': lazy(() => import('./commands-roster.ts'), 'rosterImport'),
  'db migrate': lazy(() => import('./commands-central.ts'), 'dbMigrate'),
  'db machine add': lazy(dbMachines, 'dbMachineAdd'),
  'db machine remove': lazy(dbMachines, 'dbMachineRemove'),
  'db machine list': lazy(dbMachines, 'dbMachineList'),
  'db reopen-chain': lazy(dbMachines, 'dbReopenChain'),
  'db require-machine-roles': lazy(dbMachines, 'dbRequireMachineRoles'),
  'service run': lazy(service, 'serviceRun'),
  'service status': lazy(service, 'serviceStatus'),
};

/** `aup --help`: made from help.ts, where every command's help is. */
export const USAGE = usage(Object.keys(COMMANDS));

/** `--help` or `-h` anywhere before a `--` (after which everything is a file name). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // `aup --version`: what a technician checks first on a PC (the MSI, the DMG and the deb carry the same number).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version')) {
    io.out(`aup ${APP_VERSION}\n`);
    return EXIT.ok;
  }
  if (argv[0] === 'help' && argv.length > 1) return runCli([...argv.slice(1), '--help'], io);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT.badInput : EXIT.ok;
  }
  const names = Object.keys(COMMANDS);
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  // Three words for a group inside a group (`aup db machine add`).
  const three = `${two} ${argv[2] ?? ''}`;
  const [name, rest] = COMMANDS[three] ? [three, argv.slice(3)] : COMMANDS[two] ? [two, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) {
    const group = groupOf(two, names).length > 0 ? two : argv[0]!;
    const words = group.split(' ').length;
    if (groupOf(group, names).length > 0) {
      // `aup config`: the group's commands (exit 2 run bare, like `aup` alone; 0 with --help).
      if (argv.length === words || (argv[words]!.startsWith('-') && asksHelp(argv.slice(words)))) {
        io.out(groupHelp(group, names));
        return argv.length === words ? EXIT.badInput : EXIT.ok;
      }
      io.err(`aup: unknown command "${argv.slice(0, words + 1).join(' ')}"\n\n${groupHelp(group, names)}`);
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
    // Unexpected: one line for the person, no stack trace (AUP_DEBUG=1 shows it). A file or folder the
    // system refused is named, and why in words ("a part of that path is a file, not a folder").
    const { code, path: where } = (error ?? {}) as NodeJS.ErrnoException;
    const said = code && where ? `${where}: ${fileErrorWords(error)}` : ((error as Error)?.message ?? error);
    io.err(`aup ${name}: failed: ${said}\n`);
    if (io.env.AUP_DEBUG) io.err(`${(error as Error)?.stack}\n`);
    return EXIT.failure;
  }
}

/** The real process's streams. `resources`: the packaged app's and the single executable's own folders. */
export function processIo(resources: Resources = checkoutResources()): CliIo {
  // `aup report | head`, `aup policy list | findstr …`: the reader went away. Whatever the command still
  // writes there goes nowhere, and it runs to its end and exits with its own code (a tampered ledger is
  // still 3), never with Node's "Unhandled 'error' event" and a stack trace.
  const gone = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      gone.add(stream);
    });
  const write = (stream: NodeJS.WriteStream, text: string) => {
    if (!gone.has(stream)) stream.write(text);
  };
  return {
    out: (t) => write(process.stdout, t),
    err: (t) => write(process.stderr, t),
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
