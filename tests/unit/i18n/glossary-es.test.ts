// The Spanish glossary (docs/glossary-es.md, issue 14 point 7): one register per audience (tú for
// students, usted for staff, impersonal where both read it), one term per concept in Texas usage,
// across the UI strings, the catalog's titles and the Spanish documents not yet in force. Still
// unreviewed: the district has not reviewed the glossary or the Spanish it governs.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import en from '../../../assets/locales/en.json';
import es from '../../../assets/locales/es.json';
import { formatTime, formatUntil } from '../../../renderer/kiosk-time.ts';
import { WORDS as CAMPUS_WORDS } from '../../../electron/core/reports/campus.ts';
import { WORDS as EVIDENCE_WORDS } from '../../../electron/core/reports/evidence-page.ts';
import { SHOW_WORDS } from '../../../electron/core/cli/commands-policy.ts';
import { REPO } from '../../support/fixtures.ts';

interface Glossary {
  reviewed: boolean;
  adopted: string;
  audiences: Record<string, { register: string; keys: string[] }>;
  registers: Record<string, { says: string[]; commands: string[] }>;
  terms: { concept: string; es: string; forbidden: string[]; scope?: 'ui'; caseSensitive?: boolean }[];
  documentsInForce: { file: string; sha256: string; effective: string }[];
}
interface Catalog {
  policies: {
    id: string;
    title: Record<string, string>;
    versions: { version: string; effective: string; documents: Record<string, { file: string; sha256: string; reviewed?: boolean }> }[];
  }[];
}

const glossary = JSON.parse(readFileSync(path.join(REPO, 'docs/glossary-es.json'), 'utf8')) as Glossary;
const POLICIES = path.join(REPO, 'assets/policies');
const catalog = JSON.parse(readFileSync(path.join(POLICIES, 'catalog.json'), 'utf8')) as Catalog;

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));

/** A whole word or phrase (JavaScript's \b knows no accented letters). */
const word = (pattern: string, caseSensitive = false) =>
  new RegExp(`(?<![\\p{L}\\p{N}_])(?:${pattern})(?![\\p{L}\\p{N}_])`, caseSensitive ? 'u' : 'iu');
const prose = (text: string) => text.replace(/\{\{[^}]*\}\}/g, ' ');

/** The audience of a key: its longest matching prefix in the glossary. */
function audienceOf(key: string): string | undefined {
  let best: { audience: string; length: number } | undefined;
  for (const [audience, { keys }] of Object.entries(glossary.audiences)) {
    for (const prefix of keys) {
      const match = prefix.endsWith('.') ? key.startsWith(prefix) : key === prefix || key.startsWith(`${prefix}_`);
      if (match && (!best || prefix.length > best.length)) best = { audience, length: prefix.length };
    }
  }
  return best?.audience;
}

/** What a string for `audience` must not say: the other registers' words, and their commands at the start of a sentence. */
function foreignWords(audience: string): RegExp[] {
  const own = glossary.audiences[audience]!.register;
  return Object.entries(glossary.registers).flatMap(([register, { says, commands }]) =>
    register === own
      ? []
      : [...says.map((w) => word(w)), ...commands.map((c) => new RegExp(`(?:^|[.!?:;]\\s+|[“"(¿¡])(?:${c})(?![\\p{L}\\p{N}_])`, 'iu'))],
  );
}

function termsBroken(text: string, scope: 'ui' | 'document'): string[] {
  return glossary.terms.flatMap((t) =>
    scope === 'document' && t.scope === 'ui'
      ? []
      : t.forbidden.flatMap((f) => {
          const m = word(f, t.caseSensitive).exec(prose(text));
          return m ? [`“${m[0]}” (${t.concept}: ${t.es})`] : [];
        }),
  );
}

const strings = flatten(es as Tree);

describe('the Spanish glossary', () => {
  it('is still marked unreviewed, like the Spanish documents, until the district reviews it', () => {
    expect(glossary.reviewed).toBe(false);
    for (const p of catalog.policies)
      for (const v of p.versions) if (v.documents.es) expect(v.documents.es.reviewed, `${p.id} ${v.version}`).toBe(false);
    expect(es.policy.unreviewed).toMatch(/todavía no ha revisado esta traducción/);
  });

  it('gives every Spanish UI string an audience', () => {
    expect(strings.filter(([key]) => !audienceOf(key)).map(([key]) => key)).toEqual([]);
  });

  it('speaks to students with tú, to staff with usted, and to both without either', () => {
    const wrong = strings.flatMap(([key, text]) => {
      const audience = audienceOf(key);
      if (!audience) return [];
      const said = foreignWords(audience).flatMap((w) => w.exec(prose(text))?.[0].trim() ?? []);
      return said.length ? [`${key} (${audience}, ${glossary.audiences[audience]!.register}): ${said.join(', ')} — “${text}”`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('uses one term per concept, in Texas usage, in every UI string and policy title', () => {
    const titles = catalog.policies.flatMap((p) => (p.title.es ? [[`catalog title ${p.id}`, p.title.es] as [string, string]] : []));
    const wrong = [...strings, ...titles].flatMap(([key, text]) => termsBroken(text, 'ui').map((w) => `${key}: ${w}`));
    expect(wrong).toEqual([]);
  });

  it('holds every Spanish document to the terms, except the versions already in force when it was adopted (their hash is evidence)', () => {
    const wrong: string[] = [];
    for (const p of catalog.policies) {
      for (const v of p.versions) {
        const d = v.documents.es;
        if (!d) continue;
        const bytes = readFileSync(path.join(POLICIES, d.file));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const inForce = glossary.documentsInForce.find((x) => x.file === d.file && x.sha256 === sha256);
        if (inForce) {
          expect(v.effective <= glossary.adopted, `${d.file} was in force when the glossary was adopted`).toBe(true);
          continue;
        }
        wrong.push(...termsBroken(bytes.toString('utf8'), 'document').map((w) => `${d.file}: ${w}`));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists no in-force document that has changed or gone (an edited document is held to the glossary)', () => {
    for (const x of glossary.documentsInForce) {
      const bytes = readFileSync(path.join(POLICIES, x.file));
      expect(createHash('sha256').update(bytes).digest('hex'), x.file).toBe(x.sha256);
    }
  });

  it('catches the mistakes the issue found: “Pulsa”, “Anular el bloqueo”, tú to a teacher, usted to a student', () => {
    expect(termsBroken('Pulsa “Estoy de acuerdo”.', 'ui')).toHaveLength(1);
    expect(termsBroken('Anular el bloqueo', 'ui')).toHaveLength(1);
    expect(termsBroken('Política de uso aceptable', 'ui')).toHaveLength(1);
    expect(termsBroken('Política de Uso Aceptable', 'ui')).toHaveLength(0);
    expect(foreignWords('staff').some((w) => w.test('Revísalos e inténtalo de nuevo.'))).toBe(true);
    expect(foreignWords('staff').some((w) => w.test('El PIN no coincide. Espera y vuelve a intentarlo.'))).toBe(true);
    expect(foreignWords('student').some((w) => w.test('Inicie sesión con su usuario.'))).toBe(true);
    expect(
      foreignWords('student').some((w) => w.test('Hasta que un maestro la desbloquee.')),
      'a subjunctive is not a command',
    ).toBe(false);
  });
});

describe('what the screens say, from the policy itself', () => {
  const policy = (file: string) => readFileSync(path.join(POLICIES, file), 'utf8');

  it('a substitute is refused with the policy’s own sentences, in English and in Spanish, not a paraphrase', () => {
    expect(en.refusal.substitute.startsWith('No student computer access authorized with a substitute teacher.')).toBe(true);
    expect(policy('student-aup/2026-27.en.md')).toContain(`- ${en.refusal.substitute}`);
    expect(readFileSync(path.join(REPO, 'docs/reference/lockhart-isd-technology-aup.txt'), 'utf8')).toContain(en.refusal.substitute);
    expect(policy('student-aup/2026-27.es.md')).toContain(`- ${es.refusal.substitute}`);
  });

  it('a revoked student is told “revoked”, a suspended one “suspended”', () => {
    expect(en.locked.reason['privileges-revoked']).toMatch(/revoked/);
    expect(en.locked.reason['privileges-revoked']).not.toMatch(/suspended/);
    expect(es.locked.reason['privileges-revoked']).toMatch(/revocados/);
    expect(es.roomView.note.revoked).toBe('Privilegios revocados');
  });
});

describe('Spanish times for Texas families', () => {
  const zone = 'America/Chicago';
  const at = (iso: string) => new Date(iso);

  it('are in es-US form: 1:40 p.m., not 13:40', () => {
    expect(formatTime(at('2026-09-08T13:40:00-05:00'), 'es', zone).replace(/\s/g, ' ')).toBe('1:40 p.m.');
    expect(formatTime(at('2026-09-08T08:05:00-05:00'), 'es', zone).replace(/\s/g, ' ')).toBe('8:05 a.m.');
  });

  it('take their article: “hasta la 1:19”, “hasta las 2:19”, “a las 12:30”', () => {
    const until = (iso: string) => formatUntil(at(iso), 'es', zone).replace(/\s/g, ' ');
    expect(until('2026-09-08T13:19:00-05:00')).toBe('la 1:19 p.m.');
    expect(until('2026-09-08T01:19:00-05:00')).toBe('la 1:19 a.m.');
    expect(until('2026-09-08T14:19:00-05:00')).toBe('las 2:19 p.m.');
    expect(until('2026-09-08T12:30:00-05:00')).toBe('las 12:30 p.m.');
    // The time ends the sentence with its own period ("p.m."): no second one ("hasta la 1:19 p.m..").
    expect(es.unlocked.byTeacher).toBe('Desbloqueada por {{by}} hasta {{until}}');
    for (const [key, text] of strings)
      if (/\{\{until\}\}\.$/.test(text)) expect.fail(`${key} puts a period after a time that ends in one: “${text}”`);
    expect(formatUntil(at('2026-09-08T13:19:00-05:00'), 'en', zone).replace(/\s/g, ' ')).toBe('1:19 PM');
  });
});

/**
 * Every Spanish string of a principal's page (`aup report --format html`, `aup evidence`): the plain
 * ones, and each function's text for arguments that take every branch (a grade of -1, 0 or 5, staff
 * with none, a file's chain or the database's, the policy's text or its summary).
 */
function pageStrings(words: Record<string, unknown>, prefix: string): [string, string][] {
  const samples: unknown[][] = [
    ['X', 'Y', 'Z'],
    [undefined],
    [-1],
    [0],
    [5, 10],
    [{ chain: 'X', kind: 'file', from: 1, to: 2, breaks: [], file: 'ledger-2026-27.jsonl', line: 3 }],
    [{ kind: 'central', machine: 'LAB204-01', link: 4 }],
    [{ role: 'summary', title: 'X', version: '2026-27', language: 'es' }],
    [{ role: 'policy', title: 'X', version: '2026-27', language: 'es' }],
  ];
  return Object.entries(words).flatMap(([key, value]): [string, string][] => {
    if (typeof value === 'string') return [[`${prefix}${key}`, value]];
    if (typeof value === 'function') {
      const texts = new Set<string>();
      for (const args of samples) {
        try {
          const text = (value as (...a: unknown[]) => unknown)(...args);
          if (typeof text === 'string') texts.add(text);
        } catch {
          // not this function's arguments
        }
      }
      return [...texts].map((t) => [`${prefix}${key}()`, t]);
    }
    if (value && typeof value === 'object') return pageStrings(value as Record<string, unknown>, `${prefix}${key}.`);
    return [];
  });
}

describe("the principal's pages in Spanish (the campus report, the evidence page, a policy shown)", () => {
  // Read by principals, teachers, hearing officers and parents: adults, addressed as staff are (usted).
  const pages = [
    ...pageStrings(CAMPUS_WORDS.es, 'report.campus.'),
    ...pageStrings(EVIDENCE_WORDS.es, 'report.evidence.'),
    ...pageStrings(SHOW_WORDS.es, 'policy.show.'),
  ];

  it('are found: every English string of each page has its Spanish', () => {
    expect(pages.length).toBeGreaterThan(100);
    for (const [words, prefix] of [
      [CAMPUS_WORDS, 'report.campus.'],
      [EVIDENCE_WORDS, 'report.evidence.'],
      [SHOW_WORDS, 'policy.show.'],
    ] as const) {
      const keys = (lang: 'en' | 'es') => [...new Set(pageStrings(words[lang], prefix).map(([k]) => k))].sort();
      expect(keys('es')).toEqual(keys('en'));
    }
  });

  it('use one term per concept, in Texas usage (plantel, nombre de usuario, padre, madre o tutor …)', () => {
    const wrong = pages.flatMap(([key, text]) => termsBroken(text, 'ui').map((w) => `${key}: ${w} — “${text}”`));
    expect(wrong).toEqual([]);
  });

  it('speak to adults with usted, never tú', () => {
    const wrong = pages.flatMap(([key, text]) => {
      const said = foreignWords('staff').flatMap((w) => w.exec(prose(text))?.[0].trim() ?? []);
      return said.length ? [`${key}: ${said.join(', ')} — “${text}”`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('catch what they said before: “Escuela” for the campus, “Usuario” alone, “padres o tutores”', () => {
    expect(termsBroken('Usuario', 'ui')).toHaveLength(1);
    expect(termsBroken('Acuerdos de padres o tutores recibidos', 'ui')).toHaveLength(1);
    // "escuela" is a word of its own (a school); as the label of a campus the pages say "Plantel".
    expect(CAMPUS_WORDS.es.campus('Lockhart High School')).toBe('Plantel: Lockhart High School');
    expect(EVIDENCE_WORDS.es.campus).toBe('Plantel');
  });
});
