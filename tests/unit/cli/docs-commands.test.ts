// Every `aup …` line the README and the deployment guide print is one a technician can copy: a
// command `aup` has, with options that command takes (a renamed flag left in the docs fails here),
// and the exit codes they state are the CLI's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HELP, documentedFlags } from '../../../electron/core/cli/help.ts';
import { EXIT } from '../../../electron/core/cli/io.ts';
import { REPO } from '../../support/fixtures.ts';

const DOCS = ['README.md', 'docs/deployment.md', 'build/service/README.md'];
// Longest first: `db machine add` before a two-word `db …`.
const NAMES = Object.keys(HELP).sort((a, b) => b.split(' ').length - a.split(' ').length);

interface Use {
  where: string;
  words: string;
  rest: string;
}

/** `aup <words> <rest>` wherever a doc prints it: code lines (a trailing `\` continues one) and inline code. */
function usesIn(doc: string): Use[] {
  const lines = readFileSync(path.join(REPO, doc), 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  return lines.flatMap((line, i) =>
    [...line.matchAll(/(?:^|[`\s"(])(?:sudo |npx )?aup((?: [a-z][a-z-]*)+)((?: [^`#\n]*)?)/g)].map((m) => ({
      where: `${doc}:${i + 1}`,
      words: m[1]!.trim(),
      rest: m[2] ?? '',
    })),
  );
}

const isGroup = (word: string) => NAMES.some((n) => n.startsWith(`${word} `));

describe('the aup command lines the documents print', () => {
  const uses = DOCS.flatMap(usesIn);

  it('are found (the check reads the documents)', () => {
    expect(uses.length).toBeGreaterThan(40);
  });

  it('name commands aup has', () => {
    const unknown = uses.filter(({ words }) => {
      if (NAMES.some((n) => words === n || words.startsWith(`${n} `))) return false;
      // `aup config` alone (a group lists its commands), and the database called aup (`hostssl aup aup_kiosk …`).
      return !isGroup(words) && !/^aup\b/.test(words);
    });
    expect(unknown.map((u) => `${u.where}: aup ${u.words}`)).toEqual([]);
  });

  it('give each command only options it takes', () => {
    const wrong = uses.flatMap(({ where, words, rest }) => {
      const name = NAMES.find((n) => words === n || words.startsWith(`${n} `));
      if (!name) return [];
      const known = new Set([...documentedFlags(HELP[name]!), 'help']);
      const flags = [...`${words.slice(name.length)} ${rest}`.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((f) => f[1]!);
      return flags.filter((f) => !known.has(f)).map((f) => `${where}: aup ${name} --${f}`);
    });
    expect(wrong).toEqual([]);
  });

  it('state the exit codes the CLI returns', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(
      `**${EXIT.ok}** success, **${EXIT.failure}** runtime failure, **${EXIT.badInput}** bad input or invalid config (every problem printed with its path), **${EXIT.tampered}** ledger tampered`,
    );
    const guide = readFileSync(path.join(REPO, 'docs/deployment.md'), 'utf8').replace(/\s+/g, ' ');
    expect(guide).toContain(
      `Exit codes: ${EXIT.ok} success, ${EXIT.failure} failure, ${EXIT.badInput} bad input or invalid config, ${EXIT.tampered} ledger tampered`,
    );
  });

  it('would catch a renamed flag (the check itself)', () => {
    const known = documentedFlags(HELP['report']!);
    expect(known).toContain('year');
    expect(known).not.toContain('yaer');
  });
});
