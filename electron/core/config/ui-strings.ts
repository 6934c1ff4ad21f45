// A district's own UI language: `<code>.json` in the folder `languages.folder` names, the shape of the
// bundled English (assets/locales/en.json). The file is checked against English: only English's keys,
// text at every leaf, the same {{placeholders}}. A key the file lacks falls back to English (the
// renderer's fallback language) and is listed, so `aup config validate` shows what is untranslated.
// A key English does not have (a typo, or a string an earlier version used and this one dropped) is
// left out and listed as a warning, not an error: an upgrade must not turn a district's language file
// into a config error that covers every screen.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ConfigProblem } from '../api/contract.ts';
import { BUNDLED_UI_LANGUAGES, type UiStringTree } from '../api/ui-language.ts';
import en from '../../../assets/locales/en.json' with { type: 'json' };
import { jsonErrorPosition, problemsFromZod } from './problems.ts';

/** i18next's plural suffixes (CLDR categories): Arabic uses all six, Vietnamese only `other`. */
const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const PLURAL = /^(.+)_(zero|one|two|few|many|other)$/;

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]!));
const list = (names: Set<string>) => (names.size ? [...names].map((n) => `{{${n}}}`).join(', ') : 'none');

/** Text whose placeholders are English's (a plural form may leave out {{count}}: "un minuto"). */
function textLike(english: string, plural: boolean) {
  const wanted = placeholders(english);
  return z.string({ error: 'expected text' }).superRefine((text, ctx) => {
    const got = placeholders(text);
    const unknown = [...got].filter((n) => !wanted.has(n));
    const missing = [...wanted].filter((n) => !got.has(n) && !(plural && n === 'count'));
    if (unknown.length || missing.length) {
      ctx.addIssue({ code: 'custom', message: `expected the placeholders of the English text (${list(wanted)}), got ${list(got)}` });
    }
  });
}

/** A zod schema with English's keys, every one optional (a missing key falls back to English); other keys are left out (see `unknownKeys`). */
function schemaLike(english: UiStringTree): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(english)) {
    const plural = PLURAL.exec(key);
    if (typeof value !== 'string') shape[key] = schemaLike(value).optional();
    else if (plural) for (const form of PLURAL_FORMS) shape[`${plural[1]}_${form}`] ??= textLike(value, true).optional();
    else shape[key] = textLike(value, false).optional();
  }
  return z.object(shape, { error: 'expected an object of UI strings, like the English file' });
}

/** The keys of `json` (dotted) that English has not, counting every CLDR plural form of an English plural key as English's. */
export function unknownKeys(json: unknown, english: UiStringTree = en, prefix = ''): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const known = new Set<string>();
  for (const key of Object.keys(english)) {
    const plural = PLURAL.exec(key);
    if (plural) for (const form of PLURAL_FORMS) known.add(`${plural[1]}_${form}`);
    known.add(key);
  }
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (!known.has(key)) unknown.push(prefix + key);
    else if (typeof english[key] === 'object') unknown.push(...unknownKeys(value, english[key] as UiStringTree, `${prefix}${key}.`));
  }
  return unknown;
}

const englishSchema = schemaLike(en);

/** English's keys (dotted; a plural family once, as `key_other`) that `strings` does not fill. */
export function missingKeys(strings: UiStringTree, english: UiStringTree = en, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(english)) {
    const plural = PLURAL.exec(key);
    if (plural && plural[2] !== 'other') continue;
    const own = strings[key];
    if (typeof value === 'string') {
      if (typeof own !== 'string') missing.push(prefix + key);
    } else missing.push(...missingKeys(typeof own === 'object' ? own : {}, value, `${prefix}${key}.`));
  }
  return missing;
}

const MAX_FILE_BYTES = 256 * 1024;

export type UiStringsCheck = { ok: true; strings: UiStringTree; missing: string[]; unknown: string[] } | { ok: false; problems: ConfigProblem[] };

/** Checks a parsed UI string file against English; `where` names it in problems (`languages: vi.json`). */
export function checkUiStrings(json: unknown, where: string): UiStringsCheck {
  const parsed = englishSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, json, `${where}: `) };
  const strings = parsed.data as UiStringTree;
  return { ok: true, strings, missing: missingKeys(strings), unknown: unknownKeys(json) };
}

/** The file of language `code` in `folder`; `null` when there is none. */
export async function readUiStrings(folder: string, code: string, where = 'languages.folder'): Promise<UiStringsCheck | null> {
  const file = path.join(folder, `${code}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code;
    if (why === 'ENOENT') return null;
    return { ok: false, problems: [{ path: where, message: `cannot read ${file}: ${why ?? error}` }] };
  }
  // Sent with every view: English is about 15 KB, so anything near this is not a UI string file.
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    return {
      ok: false,
      problems: [{ path: where, message: `${file} is larger than ${MAX_FILE_BYTES / 1024} KB: expected UI strings like assets/locales/en.json` }],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [{ path: where, message: `${file} is ${jsonErrorPosition(text, error)}` }] };
  }
  return checkUiStrings(json, `${where}: ${code}.json`);
}

export interface DistrictLanguages {
  /** The strings of every offered language that is not bundled, by code. */
  strings: Record<string, UiStringTree>;
  problems: ConfigProblem[];
  /** Keys falling back to English, one warning per language. */
  warnings: ConfigProblem[];
}

/**
 * Reads the UI strings of every offered language the renderer does not bundle, from `folder` (the
 * config's `languages.folder`, else `locales/` beside a district catalog). A language with no file
 * is a problem: the kiosk would show English under its name.
 */
export async function loadDistrictLanguages(offered: readonly string[], folder: string | undefined): Promise<DistrictLanguages> {
  const out: DistrictLanguages = { strings: {}, problems: [], warnings: [] };
  for (const code of offered) {
    if ((BUNDLED_UI_LANGUAGES as readonly string[]).includes(code)) continue;
    const read = folder ? await readUiStrings(folder, code) : null;
    if (!read) {
      out.problems.push({
        path: 'languages.offered',
        message: folder
          ? `"${code}" is offered but ${path.join(folder, `${code}.json`)} does not exist (the kiosk bundles ${BUNDLED_UI_LANGUAGES.join(' and ')})`
          : `"${code}" is offered but the kiosk bundles only ${BUNDLED_UI_LANGUAGES.join(' and ')}: name a folder holding ${code}.json in languages.folder`,
      });
    } else if (!read.ok) out.problems.push(...read.problems);
    else {
      out.strings[code] = read.strings;
      if (read.missing.length) {
        out.warnings.push({
          path: `languages.folder: ${code}.json`,
          message: `${read.missing.length} key${read.missing.length > 1 ? 's' : ''} not translated, shown in English: ${read.missing.join(', ')}`,
        });
      }
      if (read.unknown.length) {
        out.warnings.push({
          path: `languages.folder: ${code}.json`,
          message: `${read.unknown.length} key${read.unknown.length > 1 ? 's' : ''} this version of the kiosk does not use, left out (a typo, or a string of an earlier version): ${read.unknown.join(', ')}`,
        });
      }
    }
  }
  return out;
}
