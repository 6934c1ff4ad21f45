// Every command's help comes from one table (electron/core/cli/help.ts) and is checked against what
// the command really accepts: each command is started with a parse observer that records the options
// it declares to node:util parseArgs and stops it there, so nothing runs.
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, USAGE, runCli } from '../../../electron/core/cli/main.ts';
import { HELP, documentedFlags, groupOf } from '../../../electron/core/cli/help.ts';
import { parseObserver, type CliIo } from '../../../electron/core/cli/io.ts';
import { checkoutResources } from '../../../electron/core/config/resources.ts';
import { aup } from '../../support/cli.ts';

const names = Object.keys(COMMANDS);
const groups = [...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]!))];

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readStdin: async () => '',
    env: { AUP_KIOSK_CONFIG: '' },
    now: () => new Date('2026-09-01T15:00:00Z'),
    resources: checkoutResources(),
    stdout: () => out,
    stderr: () => err,
  };
}

async function run(argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

class Declared extends Error {
  constructor(readonly options: Record<string, unknown>) {
    super('declared');
  }
}

/** The options the command passes to the parser, without running anything else of it. */
async function declaredOptions(name: string): Promise<string[]> {
  parseObserver.declared = (options) => {
    throw new Declared(options);
  };
  try {
    await COMMANDS[name]!([], captureIo());
  } catch (error) {
    if (error instanceof Declared) return Object.keys(error.options);
    throw error;
  } finally {
    parseObserver.declared = null;
  }
  throw new Error(`aup ${name} did not parse its arguments with io.ts parse()`);
}

afterEach(() => {
  parseObserver.declared = null;
});

const JARGON = /ERR_PARSE_ARGS|TypeError|To specify a positional|<value>/;

describe('help table', () => {
  it.each(names)('"%s" has a summary, a usage line and an example of itself', (name) => {
    const help = HELP[name];
    expect(help, `help.ts has no entry for "${name}"`).toBeDefined();
    expect(help!.summary.length).toBeGreaterThan(10);
    expect(help!.examples.length).toBeGreaterThan(0);
    for (const example of help!.examples) expect(example).toContain(`aup ${name}`);
  });

  it.each(names)('"%s" documents exactly the flags it accepts', async (name) => {
    const accepted = await declaredOptions(name);
    const documented = documentedFlags(HELP[name]!);
    expect(
      accepted.filter((f) => !documented.includes(f)).map((f) => `--${f}`),
      'accepted but not in help.ts',
    ).toEqual([]);
    expect(
      documented.filter((f) => !accepted.includes(f)).map((f) => `--${f}`),
      'in help.ts but not accepted',
    ).toEqual([]);
  });

  it('the help table names no command that does not exist', () => {
    expect(Object.keys(HELP).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('aup --help lists every command from the table', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(USAGE);
    for (const name of names) expect(r.stdout).toContain(`  ${name} `);
    expect((await run([])).code).toBe(2);
  });
});

describe('aup <command> --help', () => {
  it.each(names)('"%s --help" prints its usage, every flag and an example, exit 0', async (name) => {
    const r = await run([...name.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: aup ${name}`);
    for (const flag of Object.keys(HELP[name]!.flags)) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/^Examples?:$/m);
  });

  it('-h anywhere after the command, even after other flags, and "aup help <command>"', async () => {
    for (const argv of [
      ['report', '--year', '2026-27', '-h'],
      ['roster', 'import', 'students.csv', '--help', '--out', 'x.json'],
      ['help', 'config', 'validate'],
    ]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^aup (report|roster import|config validate): /);
    }
  });

  it('after "--" a file named --help is a file, not a request for help', async () => {
    const r = await run(['ledger', 'import', '--', '--help']);
    expect(r.stdout).not.toContain('Usage:');
  });
});

describe('command groups', () => {
  it('the groups are the ones people type', () => {
    expect(groups.sort()).toEqual(['config', 'db', 'ledger', 'policy', 'roster', 'service']);
  });

  it.each(groups)('"aup %s" alone lists its commands with their summaries (exit 2; with --help exit 0)', async (group) => {
    const bare = await run([group]);
    expect(bare.code).toBe(2);
    for (const name of groupOf(group, names)) expect(bare.stdout).toContain(`${name.slice(group.length + 1)}`);
    for (const name of groupOf(group, names)) expect(bare.stdout).toContain(HELP[name]!.summary);
    const help = await run([group, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(bare.stdout);
  });

  it('an unknown subcommand names itself and lists the group', async () => {
    const r = await run(['config', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "config check"');
    expect(r.stderr).toContain('config validate');
  });
});

describe('mistakes on the command line', () => {
  it.each(names)('"%s --no-such-flag" exits 2 naming the flag, without parser jargon', async (name) => {
    const r = await run([...name.split(' '), 'FILE.csv', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`aup ${name}: `);
    expect(r.stderr).toMatch(/unknown option --no-such-flag|unexpected argument "FILE.csv"/);
    expect(r.stderr).toContain(`"aup ${name} --help" lists its options`);
    expect(r.stderr).not.toMatch(JARGON);
  });

  it('a flag without its value, a value given to a switch, and a value that looks like a flag', async () => {
    expect((await run(['status', '--user'])).stderr).toBe('aup status: --user needs a value ("aup status --help" lists its options)\n');
    expect((await run(['ledger', 'verify', '--json=yes'])).stderr).toMatch(/^aup ledger verify: --json takes no value/);
    const r = await run(['status', '--user', '--json']);
    expect(r.stderr).toMatch(/^aup status: --user needs a value \(if the value starts with "-", write --user=VALUE\)/);
    expect(r.stderr).not.toMatch(JARGON);
  });
});

describe('the real executable', () => {
  it('aup config validate --help and aup roster import --help answer on stdout, exit 0', async () => {
    for (const argv of [
      ['config', 'validate', '--help'],
      ['roster', 'import', '--help'],
    ]) {
      const r = await aup(argv);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Usage: aup ${argv.slice(0, 2).join(' ')}`);
    }
    const bare = await aup(['config']);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('config schema');
  });
});
