// What a CLI command may touch, passed in so tests run commands in-process with real files.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConfigProblem } from '../api/contract.ts';
import { loadSetup, type KioskSetup } from '../setup.ts';
import { locateConfig, type ConfigLocation } from '../config/locate.ts';
import { existsSync } from 'node:fs';
import { instantOfLocal, parseLocalDate } from '../time.ts';
import type { Resources } from '../config/resources.ts';
import { parseSchoolYear, schoolYearOf } from '../school-year.ts';
import { writeWhole } from '../write-whole.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
  /** The instant "now" for commands without `--at`. */
  now(): Date;
  /** What ships beside the code: the bundled catalog, the migrations, the demo config. */
  resources: Resources;
}

export const EXIT = { ok: 0, failure: 1, badInput: 2, tampered: 3 } as const;

/** Bad input: a message for the person, exit 2, never a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly problems: ConfigProblem[] = [],
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Sees the options each command declares (tests/unit/cli/help.test.ts checks each one is in its help). */
export const parseObserver: { declared: ((options: Options, allowPositionals: boolean) => void) | null } = { declared: null };

/** A command-line mistake; runCli adds where the options are listed (`aup <command> --help`). */
export class ArgumentError extends UsageError {}

/** Node's parser's error as one sentence for a person (never "TypeError [ERR_PARSE_ARGS_…]"). */
function argumentMistake(error: NodeJS.ErrnoException): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  const flag = quoted.replace(/ <value>$/, '');
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}" (this command takes only options)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/ambiguous/.test(error.message)) return `${flag} needs a value (if the value starts with "-", write ${flag}=VALUE)`;
      if (/does not take an argument/.test(error.message)) return `${flag} takes no value`;
      if (/argument missing/.test(error.message)) return `${flag} needs a value`;
  }
  return error.message.replace(/^TypeError.*?: /, '').replace(/\. To specify .*$/, '');
}

export function parse<T extends Options>(args: string[], options: T, allowPositionals = false) {
  parseObserver.declared?.(options, allowPositionals);
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new ArgumentError(argumentMistake(error as NodeJS.ErrnoException));
  }
}

/**
 * The setup for a command: the config looked up like the kiosk does. For read-only commands
 * (`fallbackToDemo`), a machine without any config uses the bundled demo config, and says so.
 */
export async function setupFor(io: CliIo, flag: string | undefined, fallbackToDemo = false): Promise<KioskSetup & { location: ConfigLocation }> {
  let location = locateConfig(flag, io.env);
  // Only a development checkout has the demo beside the code; an installed kiosk says the config is missing.
  const demo = io.resources.demoConfig;
  if (location.how === 'os' && !existsSync(location.file) && fallbackToDemo && demo && existsSync(demo)) {
    io.err(`note: no machine config at ${location.file}; using the bundled demo config (${demo})\n`);
    location = { file: demo, how: 'flag' };
  }
  const setup = await loadSetup(location.file, { bundledCatalog: io.resources.policies });
  if (!setup.ok) {
    throw new UsageError(`the config ${setup.source} has ${setup.problems.length} problem${setup.problems.length === 1 ? '' : 's'}`, setup.problems);
  }
  return { ...setup, location };
}

/**
 * `--at`: an ISO 8601 instant (`2026-08-01T04:30:00Z`), or a local date or date-time without an
 * offset, read in the district's zone (`2026-07-31`, `2026-07-31T23:30`).
 */
export function parseAt(text: string | undefined, timeZone: string, now: Date): Date {
  if (text === undefined) return now;
  const local = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const date = parseLocalDate(local[1]!);
    const hour = Number(local[2] ?? 0);
    const minute = Number(local[3] ?? 0);
    if (date && hour < 24 && minute < 60) {
      const t = instantOfLocal(date, timeZone, { hour, minute });
      return new Date(t.getTime() + Number(local[4] ?? 0) * 1000);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new UsageError(`--at: "${text}" is not a date or an ISO 8601 time (like 2026-08-01 or 2026-08-01T04:30:00Z)`);
}

export function printProblems(io: CliIo, problems: ConfigProblem[]): void {
  for (const p of problems) io.err(`  ${p.path}: ${p.message}\n`);
}

/**
 * `--at` and `--year` together: the instant a command answers for, and the school year it reads
 * (the year of that instant unless `--year` names one), checked.
 */
export function atAndYear(setup: KioskSetup, io: CliIo, at: string | undefined, year: string | undefined): { now: Date; year: string } {
  const tz = setup.config.district.timeZone;
  const now = parseAt(at, tz, io.now());
  const chosen = year ?? schoolYearOf(now, { timeZone: tz, start: setup.config.district.schoolYearStart });
  if (parseSchoolYear(chosen) === null) throw new UsageError(`--year: "${chosen}" is not a school year like 2026-27`);
  return { now, year: chosen };
}

/** `--out FILE`: written whole (a reader sees the old file or the new one), or bad input that says why, in words. */
export async function writeOutput(file: string, text: string, flag = '--out'): Promise<void> {
  try {
    await writeWhole(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the folder does not exist'
        : code === 'EISDIR'
          ? 'it is a folder (give a file name in it)'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (code ?? String(error));
    throw new UsageError(`${flag}: cannot write ${file}: ${why}`);
  }
}
