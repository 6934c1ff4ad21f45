// `aup`: the technicians' and administrators' command line (DESIGN.md "CLI"). Exit codes: 0 success,
// 1 runtime failure, 2 bad input or invalid config (every problem printed), 3 ledger tampered.
import { EXIT, UsageError, printProblems, type CliIo } from './io.ts';
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

const COMMANDS: Record<string, Command> = {
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

export const USAGE = `Usage: aup <command> [options]

  config validate [--config F] [--service] [--json]
                                               check the machine config and all it refers to (--service: as
                                               the machine service must find it: owners, modes, secrets 0600)
  config schema                                print the config's JSON Schema (for editors)
  policy list [--config F] [--at ISO] [--json] the policies, their versions and which is in force
  policy resolve (--user U | --role R [--grade G]) [--lang L] [--kind aup|safety-rules] [--at ISO] [--json]
  policy add --catalog DIR --id ID --version V [--effective YYYY-MM-DD] --lang L FILE.md [--reviewed] [--effective-now]
                                               publish a policy text into a district catalog folder (hash computed)
  policy check --catalog DIR [--config F]      check a catalog folder alone: every file, hash and text
  policy show --catalog DIR --id ID [--version V] [--lang L] [--out F.html]
                                               the document exactly as the kiosk renders it, as an HTML page
  school-year [--at ISO] [--config F]          the school year of an instant (e.g. 2026-27)
  status --user U [--at ISO] [--json] [--central URL --password-file F]
                                               what the kiosk would show this user now
  report [--year Y] [--missing] [--format csv|json|html] [--campus C] [--lang en|es] [--out F] [--config F]
         [--central URL --password-file F]     acceptances (--central: the district database, per grade and room;
                                               html: a page per campus with bars, who has not accepted room by room)
  evidence --user U --out F.html [--year Y] [--lang en|es] [--central URL --password-file F]
                                               one person's evidence of a school year on one printable page
  ledger verify [--config F] [--json]          check the ledger's hash chains (exit 3: tampered)
  ledger import FILE.csv [--config F]          record paper agreements
  roster hash-pin                              read a PIN on standard input, print its scrypt hash
  roster import FILE.csv --out roster.json     turn a student information system export into a roster
  db migrate --admin-url URL --admin-password-file F [--kiosk-password-file F] [--reporting-password-file F]
                                               create or upgrade the district database and its roles
  service status [--json]                      is the machine service running; its folders and their permissions
  service run                                  the machine service in the foreground (as root; systemd, launchd
                                               and the SYSTEM task start it so)

Without --config the config is looked up like the kiosk does: AUP_KIOSK_CONFIG, then the machine location.
Exit codes: 0 success, 1 failure, 2 bad input or invalid config, 3 ledger tampered.
`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT.badInput : EXIT.ok;
  }
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const [name, rest] = COMMANDS[two] ? [two, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) {
    io.err(`aup: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`aup ${name}: ${error.message}\n`);
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
